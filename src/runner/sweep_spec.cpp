// sweep.yaml -> SweepSpec. Every error names the file, the line (yaml-cpp Mark, 1-based) and the
// field.
#include <yaml-cpp/yaml.h>

#include <set>

#include "biomedq/engine.h"
#include "biomedq/sweep.h"
#include "biomedq/task.h"
#include "core/file_io.h"
#include "runner/eval_spec_options.h"
#include "runner/prompt_method.h"
#include "tasks/did_you_mean.h"

namespace biomedq {
namespace {

using tasks::did_you_mean;
using tasks::join_names;

// The sweep's own keys, then every eval option but the per-cell prompt
// (runner/eval_spec_options.h).
const std::vector<std::string>& known_keys() {
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> k = {"out",      "models",    "quant_types", "tasks",
                                      "prompts",  "parallel",  "gpu_layers",  "bootstrap_resamples",
                                      "data_dir", "tasks_dir", "fidelity"};
        for (const auto& o : runner::spec_options()) {
            if (!o.per_cell) k.push_back(o.key);
        }
        return k;
    }();
    return keys;
}

class SpecReader {
public:
    explicit SpecReader(std::filesystem::path file) : file_(std::move(file)) {}

    Error error(const YAML::Node& node, const std::string& field, const std::string& what) const {
        const int line = node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
        return make_error(ErrorCode::kInvalidArgument, file_.string() + ":" + std::to_string(line) +
                                                           ": field \"" + field + "\": " + what);
    }

    template <typename T>
    Result<T> scalar(const YAML::Node& node, const std::string& field, const char* expected) const {
        if (!node.IsScalar()) return error(node, field, std::string("expected ") + expected);
        try {
            return node.as<T>();
        } catch (const YAML::Exception&) {
            return error(node, field,
                         std::string("expected ") + expected + ", got \"" + node.Scalar() + "\"");
        }
    }

    Result<std::vector<std::string>> string_list(const YAML::Node& node,
                                                 const std::string& field) const {
        if (node.IsScalar()) {
            BIOMEDQ_ASSIGN(auto one,
                           scalar<std::string>(node, field, "a string or a list of strings"));
            return std::vector<std::string>{one};
        }
        if (!node.IsSequence() || node.size() == 0)
            return error(node, field, "expected a non-empty list of strings");
        std::vector<std::string> out;
        for (std::size_t i = 0; i < node.size(); ++i) {
            BIOMEDQ_ASSIGN(auto s, scalar<std::string>(
                                       node[i], field + "[" + std::to_string(i) + "]", "a string"));
            out.push_back(s);
        }
        return out;
    }

    std::filesystem::path resolve(const std::string& p) const {
        std::filesystem::path path(p);
        return path.is_absolute() ? path : (file_.parent_path() / path).lexically_normal();
    }

private:
    std::filesystem::path file_;
};

Status read_models(const SpecReader& r, const YAML::Node& node, SweepSpec& spec) {
    if (!node.IsSequence() || node.size() == 0) {
        return r.error(node, "models", "expected a non-empty list of {name, path}");
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < node.size(); ++i) {
        const std::string field = "models[" + std::to_string(i) + "]";
        const YAML::Node& m = node[i];
        if (!m.IsMap()) return r.error(m, field, "expected a map with \"name\" and \"path\"");
        for (const auto& kv : m) {
            const auto key = kv.first.as<std::string>();
            if (key != "name" && key != "path") {
                return r.error(kv.first, field + "." + key,
                               "unknown key; expected \"name\" or \"path\"");
            }
        }
        if (!m["path"]) return r.error(m, field + ".path", "missing (a full-precision GGUF file)");
        BIOMEDQ_ASSIGN(auto path, r.scalar<std::string>(m["path"], field + ".path", "a file path"));
        SweepModel model;
        model.path = r.resolve(path);
        if (m["name"]) {
            BIOMEDQ_ASSIGN(model.name,
                           r.scalar<std::string>(m["name"], field + ".name", "a string"));
        } else {
            model.name = model.path.stem().string();
        }
        const bool safe = !model.name.empty() &&
                          model.name.find_first_of("/\\") == std::string::npos &&
                          model.name != "." && model.name != "..";
        if (!safe)
            return r.error(m, field + ".name", "expected a name usable in a folder name (no '/')");
        if (!names.insert(model.name).second)
            return r.error(m, field + ".name", "\"" + model.name + "\" is used twice");
        if (!std::filesystem::exists(model.path)) {
            return r.error(m["path"], field + ".path",
                           "file " + model.path.string() + " does not exist");
        }
        spec.models.push_back(std::move(model));
    }
    return Status::success();
}

// `fidelity: off` / `false`, or `fidelity: {tokens: N, ctx: N}` (either key optional).
Status read_fidelity(const SpecReader& r, const YAML::Node& node, SweepSpec& spec) {
    if (node.IsScalar()) {
        const std::string v = node.Scalar();
        if (v == "off" || v == "false" || v == "no") {
            spec.fidelity = false;
            return Status::success();
        }
        if (v == "on" || v == "true" || v == "yes") return Status::success();
        return r.error(node, "fidelity",
                       "expected off, on, or a map {tokens: N, ctx: N}, got \"" + v + "\"");
    }
    if (!node.IsMap())
        return r.error(node, "fidelity", "expected off, on, or a map {tokens: N, ctx: N}");
    for (const auto& kv : node) {
        const auto key = kv.first.as<std::string>();
        if (key != "tokens" && key != "ctx") {
            return r.error(kv.first, "fidelity." + key,
                           "unknown key; expected \"tokens\" or \"ctx\"");
        }
    }
    if (node["tokens"]) {
        BIOMEDQ_ASSIGN(spec.fidelity_tokens, r.scalar<int>(node["tokens"], "fidelity.tokens",
                                                           "a whole number of tokens"));
        if (spec.fidelity_tokens == 0) spec.fidelity = false;
        if (spec.fidelity_tokens < 0)
            return r.error(node["tokens"], "fidelity.tokens",
                           "expected a whole number >= 0 (0 = off)");
    }
    if (node["ctx"]) {
        BIOMEDQ_ASSIGN(spec.fidelity_ctx,
                       r.scalar<int>(node["ctx"], "fidelity.ctx", "a whole number of tokens"));
        if (spec.fidelity_ctx < 16)
            return r.error(node["ctx"], "fidelity.ctx", "expected at least 16 tokens");
    }
    return Status::success();
}

// The named tasks' configurations, in spec.tasks order.
Result<std::vector<TaskConfig>> check_tasks(const SpecReader& r, const YAML::Node& node,
                                            const SweepSpec& spec) {
    const std::filesystem::path dir =
        spec.tasks_dir.empty() ? default_tasks_dir() : std::filesystem::path(spec.tasks_dir);
    BIOMEDQ_ASSIGN(auto catalog, load_tasks(dir, spec.protocol));
    const auto& configs = catalog.tasks;
    std::vector<std::string> names;
    for (const auto& c : configs) names.push_back(c.name);
    for (std::size_t i = 0; i < spec.tasks.size(); ++i) {
        if (std::find(names.begin(), names.end(), spec.tasks[i]) == names.end()) {
            const YAML::Node& at = node.IsSequence() ? node[i] : node;
            return r.error(at, "tasks[" + std::to_string(i) + "]",
                           "unknown task \"" + spec.tasks[i] + "\"" +
                               did_you_mean(spec.tasks[i], names) +
                               "; known: " + join_names(names));
        }
    }
    std::vector<TaskConfig> selected;
    for (const auto& name : spec.tasks) {
        selected.push_back(*std::find_if(configs.begin(), configs.end(),
                                         [&](const TaskConfig& c) { return c.name == name; }));
    }
    return selected;
}

Status check_prompts(const SpecReader& r, const YAML::Node& node, const SweepSpec& spec,
                     const std::vector<TaskConfig>& tasks) {
    for (std::size_t i = 0; i < spec.prompts.size(); ++i) {
        RunConfig probe;
        probe.prompt = spec.prompts[i];
        auto checked = runner::prompt_options_of(probe);
        if (!checked.ok()) {
            const YAML::Node& at = node.IsSequence() ? node[i] : node;
            return r.error(at, "prompts[" + std::to_string(i) + "]", checked.error().message);
        }
        // A published protocol's task runs only the prompts it has files for (prompt.files).
        const std::string& p = spec.prompts[i];
        for (const auto& task : tasks) {
            if (task.prompt.files.empty() || task.prompt.files.count(p)) continue;
            std::vector<std::string> published;
            for (const auto& [method, file] : task.prompt.files) published.push_back(method);
            const YAML::Node& at = node.IsSequence() ? node[i] : node;
            return r.error(at, "prompts[" + std::to_string(i) + "]",
                           task.name + ": protocol " + task.protocol + " publishes no \"" + p +
                               "\" prompt; published: " + join_names(published));
        }
    }
    return Status::success();
}

// Every eval option the YAML sets (sweep.yaml spells them as config.json), each checked as eval
// checks it: a value of the wrong type or outside its range names the line and the field.
Status read_spec_options(const SpecReader& r, const YAML::Node& root, SweepSpec& spec) {
    for (const auto& option : runner::spec_options()) {
        if (option.per_cell || !root[option.key]) continue;
        const YAML::Node node = root[option.key];
        Status read = std::visit(
            [&](auto member) -> Status {
                using T = std::remove_reference_t<decltype(spec.*member)>;
                BIOMEDQ_ASSIGN(spec.*member,
                               r.scalar<T>(node, option.key, option.expected.c_str()));
                return Status::success();
            },
            option.member);
        BIOMEDQ_TRY(read);
        if (!option.check) continue;
        if (const std::string problem = option.check(spec); !problem.empty()) {
            return r.error(node, option.key, "expected " + option.expected + ", " + problem);
        }
    }
    return Status::success();
}

// How the cells run (not what they evaluate): parallel, GPU layers, resamples, data and task
// folders.
Status read_run_settings(const SpecReader& r, const YAML::Node& root, SweepSpec& spec) {
    if (root["parallel"]) {
        BIOMEDQ_ASSIGN(spec.parallel,
                       r.scalar<std::string>(root["parallel"], "parallel", "a number or auto"));
    }
    if (root["gpu_layers"]) {
        BIOMEDQ_ASSIGN(spec.gpu_layers, r.scalar<int>(root["gpu_layers"], "gpu_layers",
                                                      "a whole number (-1 = all)"));
    }
    if (root["bootstrap_resamples"]) {
        BIOMEDQ_ASSIGN(spec.bootstrap_resamples,
                       r.scalar<int>(root["bootstrap_resamples"], "bootstrap_resamples",
                                     "a whole number >= 0"));
    }
    if (root["data_dir"]) {
        BIOMEDQ_ASSIGN(auto d,
                       r.scalar<std::string>(root["data_dir"], "data_dir", "a folder path"));
        spec.data_dir = r.resolve(d).string();
    }
    if (root["tasks_dir"]) {
        BIOMEDQ_ASSIGN(auto d,
                       r.scalar<std::string>(root["tasks_dir"], "tasks_dir", "a folder path"));
        spec.tasks_dir = r.resolve(d).string();
    }
    return Status::success();
}

// Known llama.cpp types, each once, in the YAML's order.
Status read_quant_types(const SpecReader& r, const YAML::Node& node, SweepSpec& spec) {
    BIOMEDQ_ASSIGN(auto types, r.string_list(node, "quant_types"));
    for (std::size_t i = 0; i < types.size(); ++i) {
        auto type = find_quant_type(types[i]);
        if (!type.ok()) {
            const YAML::Node& at = node.IsSequence() ? node[i] : node;
            return r.error(at, "quant_types[" + std::to_string(i) + "]", type.error().message);
        }
        if (std::find(spec.quant_types.begin(), spec.quant_types.end(), type->name) ==
            spec.quant_types.end()) {
            spec.quant_types.push_back(type->name);
        }
    }
    return Status::success();
}

}  // namespace

Result<SweepSpec> parse_sweep_yaml(const std::string& text, const std::filesystem::path& file) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        return make_error(ErrorCode::kParse,
                          file.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    SpecReader r(file);
    if (!root.IsMap()) return r.error(root, "(top level)", "expected a map of sweep settings");
    SweepSpec spec;
    spec.file = file;
    spec.out_dir = (file.parent_path() / file.stem()).lexically_normal();
    for (const auto& kv : root) {
        const auto key = kv.first.as<std::string>();
        if (std::find(known_keys().begin(), known_keys().end(), key) == known_keys().end()) {
            return r.error(kv.first, key,
                           "unknown key" + did_you_mean(key, known_keys()) +
                               "; known keys: " + join_names(known_keys()));
        }
    }
    try {
        if (root["out"]) {
            BIOMEDQ_ASSIGN(auto out, r.scalar<std::string>(root["out"], "out", "a folder path"));
            spec.out_dir = r.resolve(out);
        }
        BIOMEDQ_TRY(read_spec_options(r, root, spec));
        // A sweep's cells also measure fidelity and memory at this context: shorter is no use.
        if (spec.ctx_per_sequence < 256)
            return r.error(root["ctx"], "ctx", "expected at least 256 tokens");
        BIOMEDQ_TRY(read_run_settings(r, root, spec));
        if (root["fidelity"]) BIOMEDQ_TRY(read_fidelity(r, root["fidelity"], spec));
        if (!root["models"])
            return r.error(root, "models",
                           "missing (a list of {name, path} full-precision GGUF files)");
        BIOMEDQ_TRY(read_models(r, root["models"], spec));
        if (!root["quant_types"])
            return r.error(root, "quant_types", "missing (e.g. [q8_0, q4_k_m])");
        BIOMEDQ_TRY(read_quant_types(r, root["quant_types"], spec));
        if (!root["tasks"]) return r.error(root, "tasks", "missing (e.g. [pubmedqa, ddi])");
        BIOMEDQ_ASSIGN(spec.tasks, r.string_list(root["tasks"], "tasks"));
        BIOMEDQ_ASSIGN(const auto task_configs, check_tasks(r, root["tasks"], spec));
        if (root["prompts"]) {
            BIOMEDQ_ASSIGN(spec.prompts, r.string_list(root["prompts"], "prompts"));
            BIOMEDQ_TRY(check_prompts(r, root["prompts"], spec, task_configs));
        }
    } catch (const YAML::Exception& e) {
        return make_error(ErrorCode::kParse,
                          file.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    return spec;
}

Result<SweepSpec> load_sweep_file(const std::filesystem::path& path) {
    BIOMEDQ_ASSIGN(std::string text, read_file(path));
    return parse_sweep_yaml(text, path);
}

}  // namespace biomedq
