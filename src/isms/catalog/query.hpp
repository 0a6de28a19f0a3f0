// The attribute query language: one parser and one evaluator for every filter the product offers (the
// control catalog, saved views, the SoA filter, imported OSCAL catalogs whose props and classes become
// attributes). Nothing in here knows about controls: an item is a set of named, multi-valued text fields.
//
//   where      := or
//   or         := and ( "or" and )*
//   and        := not ( "and" not )*
//   not        := "not" not | primary                      precedence: not > and > or
//   primary    := "(" or ")" | FIELD op VALUE | FIELD ["not"] "in" "(" VALUE ( "," VALUE )* ")"
//   op         := "=" | "!=" | "~" | "!~"
//   VALUE      := bare word (letters, digits, _ . - : / + # *) | 'single' or "double" quoted string
//
// Keywords (and, or, not, in) are case-insensitive; a value that is a keyword must be quoted.
//
// Semantics over multi-valued fields (a missing field is an empty list):
//   f = v        some value of f equals v
//   f != v       no value of f equals v
//   f in (a, b)  some value of f equals a or b;  f not in (a, b): none does
//   f ~ s        some value of f contains s;     f !~ s: none does
// Every comparison ignores ASCII case: `control_type=detective` matches `Detective`, `title ~ CLOUD` matches
// "Information security for use of cloud services". Field names are case-insensitive too.
//
// Validation against a Vocabulary (field → closed list of values, or free text) happens after parsing and
// rewrites field names and closed values to their canonical spelling. Errors are isms::Error kInvalidInput:
//   - syntax: the message names the 1-based column and draws a caret under it; ErrorDetail.column is set;
//   - unknown field: "unknown attribute 'control_typ' (did you mean 'control_type'?); valid: id, theme, …"
//     with ErrorDetail{field, allowed = the field names, column};
//   - unknown value of a closed field: names the field and its valid values, with the column.
// `~` / `!~` take any text (substring search), even on closed fields.
//
// Thread-safety: all functions are pure; an Expr may be evaluated from many threads at once.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace isms::catalog::query {

using Values = std::vector<std::string>;

// One item to filter: field name → its values (canonical, lower-case field names).
using Item = std::map<std::string, Values, std::less<>>;

enum class CompareOp { kEq, kNe, kIn, kNotIn, kContains, kNotContains };

// A node of the syntax tree.
struct Expr {
    enum class Kind { kAll, kCompare, kAnd, kOr, kNot };
    Kind kind = Kind::kAll;  // kAll: the empty where-clause, matches every item

    // kCompare
    std::string field;
    CompareOp op = CompareOp::kEq;
    Values values;                   // one for =, !=, ~, !~; one or more for in / not in
    int field_column = 0;            // 1-based column of the field name in the source text
    std::vector<int> value_columns;  // 1-based column of each value

    // kAnd, kOr (two or more), kNot (one)
    std::vector<Expr> children;
};

// Parses a where-clause. Empty or blank text gives Kind::kAll. Throws Error kInvalidInput on a syntax error.
Expr Parse(std::string_view text);

// Renders an expression back to text with canonical spacing (values quoted when needed). Parse(ToString(e))
// gives an equal tree.
std::string ToString(const Expr& e);

// A field the language may name, and what it may hold.
struct FieldSpec {
    std::string name;         // lower-case, e.g. "control_type"
    std::string description;  // one line, for help texts and the vocabulary endpoint
    Values values;            // the closed set of values in display order; empty when free_text
    bool free_text = false;   // any value is accepted (ids, titles, imported text)
    bool multi_valued = true;
};

class Vocabulary {
public:
    Vocabulary() = default;
    explicit Vocabulary(std::vector<FieldSpec> fields) : fields_(std::move(fields)) {}

    const std::vector<FieldSpec>& fields() const { return fields_; }
    // Case-insensitive lookup; nullptr when unknown.
    const FieldSpec* Find(std::string_view name) const;
    // As Find, but throws kInvalidInput naming the valid fields (and the closest one) when unknown.
    // `role` words the message: "attribute" for filters, "sort field", "group-by field", …
    const FieldSpec& Require(std::string_view name, std::string_view role = "attribute", int column = 0) const;
    // The canonical spelling of `value` for a closed field (case-insensitive), or throws kInvalidInput naming
    // the valid values. Free-text fields return the value unchanged.
    std::string CanonicalValue(const FieldSpec& field, std::string_view value, int column = 0) const;
    std::vector<std::string> FieldNames() const;

private:
    std::vector<FieldSpec> fields_;
};

// Checks every field and value against the vocabulary and rewrites them to their canonical spelling.
void Validate(Expr& e, const Vocabulary& vocabulary);

// Parse + Validate.
Expr Compile(std::string_view text, const Vocabulary& vocabulary);

// True when the item satisfies the expression (semantics above).
bool Matches(const Expr& e, const Item& item);

// ASCII case-insensitive equality and substring search (UTF-8 bytes above 0x7F compare as they are).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle);

// Text without surrounding white space; values joined with `sep` (used across the catalog module).
std::string Trim(std::string_view s);
std::string Join(const std::vector<std::string>& values, std::string_view sep = ", ");

// Natural order of identifiers and other text: digit runs compare as numbers, so "5.9" < "5.10" < "8.1" and
// "A.9.1.2" < "A.12.4.1"; other characters compare case-insensitively. Returns <0, 0, >0.
int NaturalCompare(std::string_view a, std::string_view b);
inline bool NaturalLess(std::string_view a, std::string_view b) { return NaturalCompare(a, b) < 0; }

}  // namespace isms::catalog::query
