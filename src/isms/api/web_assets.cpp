#include "isms/api/web_assets.hpp"

#include "isms/core/embedded.hpp"

ISMS_DECLARE_EMBEDDED(web)

namespace isms::api {

std::optional<std::string_view> FindWebAsset(std::string_view path) {
    return embedded::Find(isms_embedded_web(), path);
}

}  // namespace isms::api
