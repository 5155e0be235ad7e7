// report.html in a real browser: headless Chromium opens the file from disk (offline), the page
// logs nothing to the console, the three Vega-Lite plots render as SVG with marks, and a PNG
// screenshot is kept under <build>/test-artifacts/report/ for people to look at.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "biomedq/report.h"
#include "core/file_io.h"
#include "support/hand_made_runs.h"
#include "support/paths.h"

namespace biomedq {
namespace {

std::string find_chromium() {
    for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
        const std::string probe = std::string("command -v ") + name + " >/dev/null 2>&1";
        if (std::system(probe.c_str()) == 0) return name;
    }
    return {};
}

std::string chromium_command(const std::string& chromium, const std::filesystem::path& profile) {
    return chromium +
           " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
           "--disable-background-networking "
           "--disable-component-update --disable-sync --enable-logging=stderr --v=0 "
           "--virtual-time-budget=10000 "
           "--user-data-dir=" +
           profile.string();
}

// Has Chromium write `url` to `out` (`flag` names the output: --screenshot, --print-to-pdf; `flags`
// come before it) with its own profile, and expects a file of more than 20 KB (a blank page is a
// few KB).
void expect_rendered(const std::string& chromium, const std::filesystem::path& profile,
                     const std::string& flags, const std::string& flag,
                     const std::filesystem::path& out, const std::string& url) {
    std::filesystem::remove(out);
    const std::string command = chromium_command(chromium, profile) + " " + flags + " " + flag +
                                "='" + out.string() + "' '" + url + "' >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    ASSERT_TRUE(std::filesystem::exists(out)) << out;
    EXPECT_GT(std::filesystem::file_size(out), 20000u);
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

TEST(ReportBrowser, RendersPlotsWithoutConsoleErrors) {
    const std::string chromium = find_chromium();
    if (chromium.empty()) {
        GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh --browser installs "
                        "it); browser test skipped";
    }
    auto runs = test::hand_made_runs();
    // Untrusted text must not break out of the page's script or markup.
    runs[3].model_name = "beta</script><script>console.error('escaped?')</script>";
    auto data = build_report_data(runs, test::hand_made_fidelity());
    ASSERT_TRUE(data.ok()) << data.error().message;
    ASSERT_EQ(report_plot_specs(*data).size(), 4u);
    const auto artifacts =
        test::biomedq_binary().parent_path().parent_path() / "test-artifacts" / "report";
    std::filesystem::create_directories(artifacts);
    const auto html_path = artifacts / "report.html";
    ASSERT_TRUE(write_file_atomic(html_path, render_html(*data)).ok());

    const auto work = test::make_temp_dir("report_browser");
    const auto dom_path = work / "dom.html";
    const auto log_path = work / "chromium.log";
    const std::string url = "file://" + std::filesystem::absolute(html_path).string();
    const std::string dump = chromium_command(chromium, work / "profile-dom") + " --dump-dom '" +
                             url + "' >'" + dom_path.string() + "' 2>'" + log_path.string() + "'";
    ASSERT_EQ(std::system(dump.c_str()), 0) << dump;
    const std::string dom = read_file(dom_path).value();
    const std::string log = read_file(log_path).value();

    // Chromium reports every console message (log, warn, error, uncaught exception) as a CONSOLE
    // line.
    std::istringstream lines(log);
    std::string line, console;
    while (std::getline(lines, line)) {
        if (line.find(":CONSOLE") != std::string::npos) console += line + "\n";
    }
    EXPECT_TRUE(console.empty()) << "console output:\n" << console;
    EXPECT_EQ(dom.find("\">plot failed"), std::string::npos);  // the embed error handler's text
    // Four plots, each an SVG (the facet adds none of its own); marks of every layer drew.
    EXPECT_GE(count(dom, "<svg"), 4u);
    EXPECT_GE(count(dom, "class=\"mark-symbol"),
              3u);  // points: score/memory, difference and KL plots
    EXPECT_GE(count(dom, "class=\"mark-line"), 1u);  // the Pareto frontier
    EXPECT_GE(count(dom, "class=\"mark-rect"), 1u);  // throughput bars
    EXPECT_GE(count(dom, "class=\"mark-rule"), 1u);  // CI bars and the zero line
    EXPECT_NE(dom.find("beta&lt;/script&gt;&lt;script&gt;console.error"), std::string::npos);
    // Points carry their quantization type as text (print and PDF have no tooltips); the page opens
    // with its provenance and the summary table.
    EXPECT_GE(count(dom, "class=\"mark-text"), 2u);
    EXPECT_NE(dom.find("<table class=\"provenance\">"), std::string::npos);
    EXPECT_NE(dom.find("<h2>Summary: score and memory per model and type</h2>"), std::string::npos);
    // Offline: nothing in the page points at the network (the inline Vega-Lite specs name their
    // $schema by URL, which nothing fetches).
    const std::string html = read_file(html_path).value();
    for (const char* request : {"src=\"http", "href=\"http", "url(http", "@import"}) {
        EXPECT_EQ(html.find(request), std::string::npos) << request;
    }

    ASSERT_NO_FATAL_FAILURE(expect_rendered(chromium, work / "profile-shot",
                                            "--window-size=1400,2600", "--screenshot",
                                            artifacts / "report.png", url));

    // The print stylesheet: the report prints to PDF (what a paper's supplement gets).
    ASSERT_NO_FATAL_FAILURE(expect_rendered(chromium, work / "profile-pdf",
                                            "--no-pdf-header-footer", "--print-to-pdf",
                                            artifacts / "report.pdf", url));
    std::filesystem::remove_all(work);
}

}  // namespace
}  // namespace biomedq
