// A published protocol's prompt files (tasks/protocols/<name>/*.yaml point at them under the data
// dir): reading them as their authors' code read them, and putting one example into them.
#include <algorithm>

#include "biomedq/task.h"
#include "core/file_io.h"
#include "tasks/did_you_mean.h"

namespace biomedq {

const std::vector<std::string>& known_protocols() {
    static const std::vector<std::string> names = {"biomedq", "chen2025"};  // biomedq's own first
    return names;
}

Result<std::filesystem::path> protocol_tasks_dir(const std::filesystem::path& tasks_dir,
                                                 const std::string& protocol) {
    const auto& known = known_protocols();
    if (protocol == known.front()) return tasks_dir;
    if (std::find(known.begin(), known.end(), protocol) != known.end())
        return tasks_dir / "protocols" / protocol;
    return make_error(ErrorCode::kInvalidArgument,
                      "--protocol " + protocol + ": unknown protocol" +
                          tasks::did_you_mean(protocol, known_protocols()) +
                          "; known: " + tasks::join_names(known_protocols()));
}

namespace {

// Python's text mode turns CRLF into LF; its utf-8 codec would keep a byte order mark as U+FEFF,
// which no model should be asked to read, so it goes (the protocol's notes say so).
std::string normalize_published_text(std::string text) {
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        out += text[i];
    }
    return out;
}

}  // namespace

Result<std::string> load_published_prompt(const TaskConfig& task, const std::string& method,
                                          const std::filesystem::path& data_dir) {
    const auto it = task.prompt.files.find(method);
    if (it == task.prompt.files.end()) {
        std::vector<std::string> methods;
        for (const auto& [name, file] : task.prompt.files) methods.push_back(name);
        return make_error(ErrorCode::kUnsupported,
                          task.name + ": protocol " + task.protocol + " publishes no \"" + method +
                              "\" prompt; use --prompt " + tasks::join_names(methods));
    }
    const std::filesystem::path root = data_dir.empty() ? default_data_dir() : data_dir;
    const std::filesystem::path file = std::filesystem::path(it->second).is_absolute()
                                           ? std::filesystem::path(it->second)
                                           : root / it->second;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
        return make_error(ErrorCode::kNotFound,
                          task.name + ": published prompt " + file.string() +
                              " not found (protocol " + task.protocol +
                              " reads its authors' prompt files from the data dir; set "
                              "--data-dir)");
    }
    BIOMEDQ_ASSIGN(std::string text, read_file(file));
    text = normalize_published_text(std::move(text));
    if (text.find("{Input}") == std::string::npos && text.find("{INPUT}") == std::string::npos) {
        return make_error(ErrorCode::kParse,
                          file.string() +
                              ": no {Input} or {INPUT} placeholder; expected the "
                              "published prompt with the place of the input marked");
    }
    return text;
}

}  // namespace biomedq
