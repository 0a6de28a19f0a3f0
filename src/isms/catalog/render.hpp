// The catalog's results as JSON and as tables: one shaping for the CLI (`--format`) and the HTTP API
// (JSON bodies, `format=csv`), so that both say the same thing.
//
// JSON: attribute families are arrays of values under "attributes"; "theme" (text) and "new_in_2022"
// (boolean) are repeated at the top level when the framework has them.
// Tables: multi-valued cells join their values with ", " for reading and with ";" in CSV (as the reference data
// files do).
#pragma once

#include <string>
#include <vector>

#include "isms/catalog/catalog.hpp"
#include "isms/catalog/views.hpp"
#include "isms/io/table.hpp"

namespace isms::catalog {

Json ControlJson(const Control& c, bool detail = false);
Json ListJson(const ControlList& list);
// ListJson as compact text, built from the snapshot's pre-rendered controls (the API's hot path). Parses to
// the same document as ListJson(list).
std::string ListJsonText(const ControlList& list);
Json FrameworkJson(const Framework& f);
Json TransitionJson(const Transition& t);
Json VocabularyJson(const std::vector<VocabularyField>& fields);
Json ViewJson(const SavedView& v);

// The columns a listing shows when none were asked for. `terminal`: the narrow set for an aligned text table
// (id, theme, title and the three short families, abbreviated; see ControlsLegend); otherwise every field but
// the imported text.
std::vector<std::string> DefaultColumns(const CatalogSnapshot& s, bool terminal);
// One line per abbreviation used by the terminal table ("" when the framework has none).
std::string ControlsLegend(const CatalogSnapshot& s);

// Controls of `indices` as rows of `columns`. `terminal` abbreviates as DefaultColumns says; `csv` joins
// multi-valued cells with ';'.
io::Table ControlsTable(const ControlList& list, const std::vector<size_t>& indices,
                        const std::vector<std::string>& columns, bool terminal, bool csv);
// The selection flattened with a leading "group" column (a control repeats in each of its groups).
io::Table GroupedTable(const ControlList& list, const std::vector<std::string>& columns, bool csv);
// group, count
io::Table GroupCountsTable(const ControlList& list);
// Rows × columns with a "total" column and a "total" row (totals count distinct controls).
io::Table PivotTable(const Pivot& p);
// field, value: everything `controls show` knows about one control.
io::Table ControlDetailTable(const Control& c, const Framework& f);
io::Table TransitionTable(const Transition& t);
io::Table VocabularyTable(const std::vector<VocabularyField>& fields);
io::Table FrameworksTable(const std::vector<Framework>& frameworks);
io::Table ViewsTable(const std::vector<SavedView>& views);

}  // namespace isms::catalog
