#include "isms/catalog/selection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "isms/core/error.hpp"

namespace isms::catalog {

namespace {

using query::Join;
using query::Trim;


std::vector<std::string> SplitComma(std::string_view text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string_view::npos) comma = text.size();
        std::string part = Trim(text.substr(start, comma - start));
        if (!part.empty()) out.push_back(part);
        start = comma + 1;
    }
    return out;
}

const query::Values& ValuesOf(const query::Item& item, const std::string& field) {
    static const query::Values kNone;
    auto it = item.find(field);
    return it == item.end() ? kNone : it->second;
}

// Order of one value within a field: vocabulary position for closed fields, natural order otherwise.
class ValueOrder {
public:
    explicit ValueOrder(const query::FieldSpec& f) : field_(f) {
        for (size_t i = 0; i < f.values.size(); ++i) rank_[f.values[i]] = static_cast<int>(i);
    }
    int Compare(const std::string& a, const std::string& b) const {
        if (!field_.free_text) {
            auto ia = rank_.find(a), ib = rank_.find(b);
            if (ia != rank_.end() && ib != rank_.end()) return ia->second - ib->second;
        }
        return query::NaturalCompare(a, b);
    }
    int Compare(const query::Values& a, const query::Values& b) const {
        for (size_t i = 0; i < a.size() && i < b.size(); ++i)
            if (int c = Compare(a[i], b[i]); c != 0) return c;
        return static_cast<int>(a.size()) - static_cast<int>(b.size());
    }
    bool Less(const std::string& a, const std::string& b) const { return Compare(a, b) < 0; }

private:
    const query::FieldSpec& field_;
    std::map<std::string, int> rank_;
};

// The distinct values of `field` over the selected items, in display order ("" last when present).
query::Values DistinctValues(const std::vector<const query::Item*>& items, const std::vector<size_t>& selected,
                             const std::string& field, const ValueOrder& order) {
    query::Values out;
    bool none = false;
    for (size_t i : selected) {
        const auto& vals = ValuesOf(*items[i], field);
        if (vals.empty()) none = true;
        for (const auto& v : vals)
            if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    }
    std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return order.Less(a, b); });
    if (none) out.push_back("");
    return out;
}

// An item's values for grouping: its values, or {""} when it has none.
query::Values GroupValues(const query::Item& item, const std::string& field) {
    const auto& v = ValuesOf(item, field);
    return v.empty() ? query::Values{""} : v;
}

}  // namespace

std::vector<SortKey> ParseSort(std::string_view text, const query::Vocabulary& vocabulary) {
    std::vector<SortKey> keys;
    for (auto& part : SplitComma(text)) {
        SortKey k;
        std::string_view name = part;
        if (name.front() == '-' || name.front() == '+') {
            k.descending = name.front() == '-';
            name.remove_prefix(1);
        }
        k.field = vocabulary.Require(Trim(name), "sort field").name;
        keys.push_back(std::move(k));
    }
    return keys;
}

std::string SortToString(const std::vector<SortKey>& keys) {
    std::string out;
    for (size_t i = 0; i < keys.size(); ++i) out += (i ? "," : "") + std::string(keys[i].descending ? "-" : "") + keys[i].field;
    return out;
}

std::vector<std::string> ParseFieldList(std::string_view text, const query::Vocabulary& vocabulary,
                                        std::string_view role) {
    std::vector<std::string> out;
    for (auto& part : SplitComma(text)) out.push_back(vocabulary.Require(part, role).name);
    return out;
}

Selection Select(const std::vector<const query::Item*>& items, const SelectionSpec& spec,
                 const query::Vocabulary& vocabulary) {
    Selection s;
    s.where = query::Compile(spec.where, vocabulary);
    s.sort = ParseSort(spec.sort, vocabulary);
    if (!Trim(spec.group_by).empty()) s.group_by = vocabulary.Require(Trim(spec.group_by), "group-by field").name;
    std::vector<std::string> pivot_fields;
    if (!Trim(spec.pivot).empty()) {
        pivot_fields = ParseFieldList(spec.pivot, vocabulary, "pivot field");
        if (pivot_fields.size() != 2)
            throw Error::InvalidInput(
                fmt::format("pivot needs exactly two fields, ROWS,COLUMNS (e.g. control_type,security_domains); got "
                            "'{}'",
                            spec.pivot),
                {{.field = "pivot", .message = "expected two comma-separated fields", .allowed = vocabulary.FieldNames()}});
    }

    for (size_t i = 0; i < items.size(); ++i)
        if (query::Matches(s.where, *items[i])) s.items.push_back(i);

    if (!s.sort.empty()) {
        std::vector<std::pair<ValueOrder, SortKey>> orders;
        for (const auto& k : s.sort) orders.emplace_back(ValueOrder(*vocabulary.Find(k.field)), k);
        std::stable_sort(s.items.begin(), s.items.end(), [&](size_t a, size_t b) {
            for (const auto& [order, key] : orders) {
                int c = order.Compare(ValuesOf(*items[a], key.field), ValuesOf(*items[b], key.field));
                if (c != 0) return key.descending ? c > 0 : c < 0;
            }
            return false;
        });
    }

    if (!s.group_by.empty()) {
        ValueOrder order(*vocabulary.Find(s.group_by));
        for (const auto& key : DistinctValues(items, s.items, s.group_by, order)) s.groups.push_back({key, {}});
        std::map<std::string, size_t> index;
        for (size_t g = 0; g < s.groups.size(); ++g) index[s.groups[g].key] = g;
        for (size_t i : s.items)
            for (const auto& v : GroupValues(*items[i], s.group_by)) s.groups[index.at(v)].items.push_back(i);
    }

    if (!pivot_fields.empty()) {
        Pivot p;
        p.row_field = pivot_fields[0];
        p.column_field = pivot_fields[1];
        ValueOrder row_order(*vocabulary.Find(p.row_field)), col_order(*vocabulary.Find(p.column_field));
        p.row_values = DistinctValues(items, s.items, p.row_field, row_order);
        p.column_values = DistinctValues(items, s.items, p.column_field, col_order);
        std::map<std::string, size_t> ri, ci;
        for (size_t r = 0; r < p.row_values.size(); ++r) ri[p.row_values[r]] = r;
        for (size_t c = 0; c < p.column_values.size(); ++c) ci[p.column_values[c]] = c;
        p.cells.assign(p.row_values.size(), std::vector<int>(p.column_values.size(), 0));
        p.row_totals.assign(p.row_values.size(), 0);
        p.column_totals.assign(p.column_values.size(), 0);
        for (size_t i : s.items) {
            auto rows = GroupValues(*items[i], p.row_field);
            auto cols = GroupValues(*items[i], p.column_field);
            for (const auto& r : rows) {
                ++p.row_totals[ri.at(r)];
                for (const auto& c : cols) ++p.cells[ri.at(r)][ci.at(c)];
            }
            for (const auto& c : cols) ++p.column_totals[ci.at(c)];
        }
        p.total = static_cast<int>(s.items.size());
        s.pivot = std::move(p);
    }
    return s;
}

}  // namespace isms::catalog
