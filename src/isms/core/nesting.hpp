// Nesting limits for text that users hand to isms: request bodies, imported files, OSCAL documents.
//
// The JSON, YAML and XML libraries isms uses, and the code that walks, copies, compares or destroys what they
// read, recurse once per level of nesting: a body of 100,000 '[' would exhaust a thread's stack and end the
// whole server. So every reader of user-supplied text calls one of these checks first, before any recursive
// parser sees the text, and refuses input nested deeper than kMaxNesting levels with kInvalidInput naming where
// (line, column, byte; detail message "nested deeper than 64 levels"). The checks are linear scans that keep
// no per-level state beyond a counter, so they cannot themselves run out of stack or memory.
//
//   CheckJsonNesting   arrays and objects, counted outside strings (malformed JSON is left to the parser)
//   ParseUserJson      CheckJsonNesting, then nlohmann's parser, with parse errors as kInvalidInput
//   CheckYamlNesting   flow collections ([ {) counted in the text, then block sequences and mappings counted by
//                      yaml-cpp's event parser, which stops at the limit; aliases count with the nesting of the
//                      node they name, an alias of a node that contains it (a cycle) is refused, and so is an
//                      expansion of aliases to more than kMaxYamlNodes nodes. Malformed YAML throws the
//                      parser's YAML::Exception, which the caller reports as it reports malformed YAML.
//   CheckXmlNesting    elements, counted outside comments, CDATA, processing instructions, declarations and
//                      attribute values
//
// Thread-safe (no state).
#pragma once

#include <cstddef>
#include <string_view>

#include "isms/core/json.hpp"

namespace isms {

// The deepest nesting isms reads: far more than any of its formats needs (an OSCAL catalog nests about 20).
inline constexpr int kMaxNesting = 64;
// The most nodes a YAML document may stand for once its aliases are expanded (a "billion laughs" guard).
inline constexpr size_t kMaxYamlNodes = 1'000'000;

// `source` names the text in messages ("the JSON body", "request body", a file name).
void CheckJsonNesting(std::string_view text, std::string_view source, int limit = kMaxNesting);
Json ParseUserJson(std::string_view text, std::string_view source);
void CheckYamlNesting(std::string_view text, std::string_view source, int limit = kMaxNesting);
void CheckXmlNesting(std::string_view text, std::string_view source, int limit = kMaxNesting);

// The error all four throw: "<source> is nested deeper than <limit> levels at line L, column C (byte B): …".
// `what` names the structures of the format ("arrays and objects"). For readers with their own way of counting.
[[noreturn]] void ThrowNestedTooDeep(std::string_view source, std::string_view what, int limit, size_t line,
                                     size_t column, size_t byte);

}  // namespace isms
