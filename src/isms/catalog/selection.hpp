// Filtering, sorting, grouping and pivoting a list of items with the query language (query.hpp). Generic like
// the language itself: the catalog uses it for controls; the SoA and imported catalogs can use it for theirs.
//
// Spec strings (as typed on the command line and in URLs):
//   where     a where-clause (query.hpp); empty = every item
//   sort      comma-separated fields, "-field" for descending: "theme,-title". Closed fields sort in vocabulary
//             order (Preventive before Detective), free-text fields in natural order (5.9 before 5.10);
//             multi-valued fields compare their value lists. Ties keep the input order.
//   group_by  one field. Multi-valued: an item appears in every group of its values; items with no value form
//             the group "" (shown as "(none)"). Groups come in vocabulary order (closed) or natural order
//             (free text); groups without items are left out.
//   pivot     "ROWS,COLUMNS": a count matrix of two fields, multi-valued on both axes (an item with two row
//             values and three column values counts in six cells). Row and column totals count distinct
//             items, so a total can be lower than the sum of its cells; `total` is the number of items.
// Every field is checked against the vocabulary; errors are kInvalidInput naming the valid fields.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "isms/catalog/query.hpp"

namespace isms::catalog {

struct SortKey {
    std::string field;
    bool descending = false;
};

struct SelectionSpec {
    std::string where;
    std::string sort;
    std::string group_by;
    std::string pivot;
};

struct Group {
    std::string key;            // the value; "" for items without one
    std::vector<size_t> items;  // indices into the input, in the selection's sort order
};

struct Pivot {
    std::string row_field, column_field;
    query::Values row_values, column_values;
    std::vector<std::vector<int>> cells;  // [row][column]
    std::vector<int> row_totals, column_totals;
    int total = 0;
};

struct Selection {
    query::Expr where;
    std::vector<SortKey> sort;
    std::vector<size_t> items;  // indices into the input of the matching items, sorted
    std::string group_by;       // canonical field name, "" when not grouped
    std::vector<Group> groups;
    std::optional<Pivot> pivot;
};

// Parses and validates a sort spec ("theme,-title").
std::vector<SortKey> ParseSort(std::string_view text, const query::Vocabulary& vocabulary);
std::string SortToString(const std::vector<SortKey>& keys);
// Parses a comma-separated list of field names (columns, pivot axes) into canonical names.
std::vector<std::string> ParseFieldList(std::string_view text, const query::Vocabulary& vocabulary,
                                        std::string_view role);

// Runs a spec over items. Throws kInvalidInput for a bad where-clause, an unknown field or a pivot that does
// not name exactly two fields.
Selection Select(const std::vector<const query::Item*>& items, const SelectionSpec& spec,
                 const query::Vocabulary& vocabulary);

}  // namespace isms::catalog
