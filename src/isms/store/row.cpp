#include <fmt/format.h>

#include <charconv>

#include "isms/core/error.hpp"
#include "isms/store/store.hpp"

namespace isms::store {

size_t Row::Index(std::string_view column) const {
    for (size_t i = 0; i < names_->size(); ++i)
        if ((*names_)[i] == column) return i;
    throw Error::Internal(fmt::format("no column '{}' in result", column));
}

const Value& Row::at(std::string_view column) const { return values_.at(Index(column)); }

std::string Row::Str(size_t i) const {
    const Value& v = values_.at(i);
    if (auto* s = std::get_if<std::string>(&v)) return *s;
    if (auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
    if (auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
    return {};
}
std::string Row::Str(std::string_view column) const { return Str(Index(column)); }

std::optional<std::string> Row::OptStr(size_t i) const {
    if (IsNull(i)) return std::nullopt;
    return Str(i);
}

int64_t Row::Int(size_t i) const {
    const Value& v = values_.at(i);
    if (auto* n = std::get_if<int64_t>(&v)) return *n;
    if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
    if (auto* s = std::get_if<std::string>(&v)) {
        int64_t out = 0;
        auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
        if (ec != std::errc()) throw Error::Internal(fmt::format("column {} is not an integer: '{}'", i, *s));
        return out;
    }
    return 0;
}
int64_t Row::Int(std::string_view column) const { return Int(Index(column)); }

double Row::Real(size_t i) const {
    const Value& v = values_.at(i);
    if (auto* d = std::get_if<double>(&v)) return *d;
    if (auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
    if (auto* s = std::get_if<std::string>(&v)) return std::stod(*s);
    return 0;
}

Json Row::JsonAt(size_t i) const {
    if (IsNull(i)) return nullptr;
    return Json::parse(Str(i));
}

std::optional<Row> Db::QueryOne(std::string_view sql, const Params& params) {
    Rows rows = Query(sql, params);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

}  // namespace isms::store
