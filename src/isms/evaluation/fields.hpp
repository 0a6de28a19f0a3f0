// Reading the data of records in the evaluation module (internal to src/isms/evaluation).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "isms/core/json.hpp"
#include "isms/records/values.hpp"

namespace isms::evaluation::fields {

// A field as text ("" when absent or null; lists joined with "; ").
inline std::string Text(const Json& data, const char* field) {
    return data.contains(field) && !data.at(field).is_null() ? records::ValueToText(data.at(field)) : "";
}

// A number field, when it holds a number.
inline std::optional<double> Number(const Json& data, const char* field) {
    if (!data.contains(field) || !data.at(field).is_number()) return std::nullopt;
    return data.at(field).get<double>();
}

// The text items of a list field (a single text value counts as one item).
inline std::vector<std::string> List(const Json& data, const char* field) {
    std::vector<std::string> out;
    if (!data.contains(field)) return out;
    const Json& v = data.at(field);
    if (v.is_string()) out.push_back(v.get<std::string>());
    if (v.is_array())
        for (const auto& x : v)
            if (x.is_string()) out.push_back(x.get<std::string>());
    return out;
}

inline std::string Join(const std::vector<std::string>& v, const char* sep = ", ") {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
    return s;
}

}  // namespace isms::evaluation::fields
