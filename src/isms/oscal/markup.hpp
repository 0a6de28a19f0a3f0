// OSCAL markup: markup-line (inline) and markup-multiline (blocks) as one small tree, with its two
// spellings: the XML elements of OSCAL's XML form and the Markdown of its JSON and YAML forms.
//
// The subset handled is the one OSCAL defines: blocks p, h1–h6, ul/ol/li (nested), pre, blockquote, table
// (tr/th/td) and hr; inline em, strong, code, a[@href], q ("…" in Markdown), insert[@type,@id-ref]
// ({{ insert: type, id }}), sub (~x~), sup (^x^) and img (![alt](src)). Markdown characters that would
// otherwise be read as markup are escaped with a backslash when written.
//
// Whitespace: XML pretty-printing puts line breaks and indentation inside paragraphs, so outside <pre> a run
// of whitespace means one space and whitespace at the start and end of a block is dropped (Normalise()).
// Canonical(md) is the form two spellings of the same content share; the converters and the round-trip
// tests compare markup through it.
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace isms::oscal::markup {

struct Node {
    std::string tag;   // element name; "" for a text node
    std::string text;  // text nodes only
    std::vector<std::pair<std::string, std::string>> attrs;
    std::vector<Node> children;

    std::string Attr(std::string_view name) const;
    bool operator==(const Node&) const = default;
};
using Markup = std::vector<Node>;

// Throws kInvalidInput for Markdown nested deeper than kMaxNesting levels (block quotes, lists, links, emphasis;
// isms/core/nesting.hpp): the reader recurses per level.
Markup ParseMarkdown(std::string_view md, bool multiline);
std::string ToMarkdown(const Markup& m, bool multiline);

// The markup held by an XML element's content (its child nodes). Elements outside the OSCAL markup
// vocabulary are reported through `unknown` (their names) and kept as they are.
Markup FromXml(const pugi::xml_node& parent, bool multiline, std::vector<std::string>* unknown = nullptr);
// One element (and its content) as a markup node.
Node ElementFromXml(const pugi::xml_node& element, std::vector<std::string>* unknown = nullptr);
// Appends the markup as child nodes of `parent`.
void ToXml(const Markup& m, pugi::xml_node parent);

// Collapses whitespace outside <pre> and trims it at block edges; removes empty text nodes.
void Normalise(Markup& m, bool multiline);
// Markdown → tree → normalised → Markdown.
std::string Canonical(std::string_view md, bool multiline);

// True for the element names of OSCAL's block markup (p, ul, table, …) — used to find unwrapped prose.
bool IsBlockElement(std::string_view name);

}  // namespace isms::oscal::markup
