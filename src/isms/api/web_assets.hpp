// The built web application, embedded at build time (see web/ and src/isms/api/CMakeLists.txt).
#pragma once

#include <optional>
#include <string_view>

namespace isms::api {

// The embedded file at `path` (relative to the build's dist/ folder), or nullopt.
std::optional<std::string_view> FindWebAsset(std::string_view path);

}  // namespace isms::api
