// Reading the fields of a JSON request object with precise errors: unknown keys and wrong types are
// collected and reported together, each naming its key, so an API client or an import file learns every
// problem in one round trip.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "isms/core/error.hpp"
#include "isms/core/json.hpp"

namespace isms::risk {

class JsonInput {
public:
    // `known`: the keys this object may hold; any other key is reported by Finish().
    JsonInput(const Json& j, std::set<std::string> known) : j_(j), known_(std::move(known)) {
        if (!j_.is_object()) errs_.push_back({"", "must be a JSON object"});
    }

    std::optional<std::string> OptString(const std::string& key) {
        const Json* v = Get(key);
        if (!v) return std::nullopt;
        if (!v->is_string()) return Bad(key, "must be a string"), std::nullopt;
        return v->get<std::string>();
    }
    std::optional<int> OptInt(const std::string& key) {
        const Json* v = Get(key);
        if (!v) return std::nullopt;
        if (!v->is_number_integer()) return Bad(key, "must be a whole number"), std::nullopt;
        auto n = v->get<int64_t>();
        if (n < -1000000 || n > 1000000) return Bad(key, "is out of range"), std::nullopt;
        return static_cast<int>(n);
    }
    std::optional<bool> OptBool(const std::string& key) {
        const Json* v = Get(key);
        if (!v) return std::nullopt;
        if (!v->is_boolean()) return Bad(key, "must be true or false"), std::nullopt;
        return v->get<bool>();
    }
    std::optional<std::vector<std::string>> OptStrings(const std::string& key) {
        const Json* v = Get(key);
        if (!v) return std::nullopt;
        if (!v->is_array()) return Bad(key, "must be an array of strings"), std::nullopt;
        std::vector<std::string> out;
        for (const auto& x : *v) {
            if (!x.is_string()) return Bad(key, "must be an array of strings"), std::nullopt;
            out.push_back(x.get<std::string>());
        }
        return out;
    }
    // True when the key is present with a JSON null (used to clear a field).
    bool IsNull(const std::string& key) const { return j_.is_object() && j_.contains(key) && j_[key].is_null(); }

    void Bad(const std::string& key, const std::string& msg) { errs_.push_back({key, msg}); }

    // Throws kInvalidInput listing unknown keys and every type error met so far.
    void Finish() {
        if (j_.is_object())
            for (const auto& [k, v] : j_.items())
                if (!known_.count(k)) {
                    std::vector<std::string> allowed(known_.begin(), known_.end());
                    errs_.push_back({k, "unknown field", allowed});
                }
        if (errs_.empty()) return;
        throw Error::InvalidInput(fmt::format("{}{}{}", errs_[0].field.empty() ? "the body" : "'" + errs_[0].field + "'",
                                              " ", errs_[0].message + (errs_.size() > 1 ? fmt::format(" (and {} more "
                                                                                                      "problems)",
                                                                                                      errs_.size() - 1)
                                                                                        : "")),
                                  errs_);
    }

private:
    const Json* Get(const std::string& key) const {
        if (!j_.is_object() || !j_.contains(key) || j_[key].is_null()) return nullptr;
        return &j_[key];
    }
    const Json& j_;
    std::set<std::string> known_;
    std::vector<ErrorDetail> errs_;
};

}  // namespace isms::risk
