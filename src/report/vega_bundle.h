// The vega, vega-lite and vega-embed JavaScript inlined into report.html. The definitions are
// generated at build time (cmake/vega.cmake -> scripts/embed-vega.cmake) from the npm packages
// pinned in scripts/fetch-vega.sh.
#pragma once

#include <string>
#include <string_view>

namespace biomedq::report {

// False when the build could not fetch the packages: reports then show tables only.
bool vega_bundled();
// "vega@6.2.0, vega-lite@6.4.1, vega-embed@7.1.0", or empty.
std::string vega_versions();
// The minified UMD build of "vega", "vega-lite" or "vega-embed"; empty when not bundled or unknown.
std::string vega_script(std::string_view name);

}  // namespace biomedq::report
