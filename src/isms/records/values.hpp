// Field values: checking them against their field definition, and converting them from and to the text of
// a CLI option or a CSV cell. The same checks run for the CLI, the API and imports, so the same input gets
// the same error everywhere.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "isms/core/error.hpp"
#include "isms/core/json.hpp"
#include "isms/records/schema.hpp"

namespace isms::records {

// Checks `v` against `f` and normalises it in place (trims text, lower-cases e-mail addresses and
// attachment hashes). Appends one ErrorDetail per problem to `problems`, naming `path` (the field name,
// or "field[2]" for list items) and the allowed values where there is a closed set. Does not look at the
// database: whether a linked record or control exists is the service's job.
void CheckValue(const FieldDef& f, Json& v, std::vector<ErrorDetail>& problems);

// Checks a whole data object of type `t`: unknown fields (naming the known ones), missing required fields,
// and every value. Removes null and empty values (absent and empty mean the same). Returns the problems.
std::vector<ErrorDetail> CheckData(const RecordType& t, Json& data);

// True when the value counts as absent (null, "", []).
bool IsEmptyValue(const Json& v);

// Text (a CLI --set value or a CSV cell) to the field's JSON value: numbers and booleans are parsed, list
// items are separated by ';'. Empty text gives null. Unparseable text appends a problem and gives null.
Json ValueFromText(const FieldDef& f, std::string_view text, std::vector<ErrorDetail>& problems);
// The value as text, the inverse of ValueFromText (lists joined with "; ").
std::string ValueToText(const Json& v);

// One message for a list of problems: "document: owner: is required; classification: …".
std::string Summarise(std::string_view what, const std::vector<ErrorDetail>& problems);

}  // namespace isms::records
