// The project's JSON type. nlohmann::json keeps object keys sorted, which makes dump() canonical: the
// change log hashes rely on that (see isms/store/change_log.hpp).
#pragma once

#include <nlohmann/json.hpp>

namespace isms {
using Json = nlohmann::json;
}
