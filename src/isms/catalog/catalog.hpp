// The control catalog of an organisation: the built-in ISO/IEC 27002:2022 controls (and any framework an
// organisation imported), with the organisation's attribute overrides and licensed text applied.
//
// Effective attributes = the framework's tags with the organisation's overrides applied; every query, group,
// pivot and saved view works on effective attributes. The query language and its vocabulary are in
// query.hpp / selection.hpp; the vocabulary of a framework is:
//   id, title                          free text
//   <the framework's families>          closed vocabularies (for ISO/IEC 27002:2022: theme, control_type,
//                                       security_properties, cybersecurity_concepts, operational_capabilities,
//                                       security_domains, new_in_2022)
//   predecessors                       free text: ids of the 2013 controls the control replaces
//   overridden                         true/false: the organisation retagged the control
//   text                               free text: the organisation's imported description, purpose, guidance
//
// Caching: the effective controls of an (organisation, framework) are kept in memory and shared by requests.
// A cached snapshot is revalidated against catalog_versions (a counter every catalog write bumps in the same
// transaction, '' for the built-in data): one small read, never a scan of the controls. Writes made through
// this service (or reported with Invalidate) are visible to the next call at once; writes made by another
// process or server on the same database are noticed at the next revalidation, at most
// CatalogOptions::revalidate_after later (default 1 s; 0 revalidates on every call).
//
// Permissions: reading needs Permission::kRead; overrides and text import need kCatalogEdit.
// Thread-safety: all methods may be called from many threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "isms/catalog/query.hpp"
#include "isms/catalog/reference_data.hpp"
#include "isms/catalog/selection.hpp"
#include "isms/core/context.hpp"
#include "isms/store/state_check.hpp"
#include "isms/store/store.hpp"

namespace isms::catalog {

struct Framework {
    std::string id;
    std::string name;
    std::string version;
    std::string source;  // "built-in" or where it was imported from
    bool built_in = false;
    std::string data_hash;
    std::string loaded_at;
    int controls = 0;
    std::vector<AttributeFamily> families;
};

struct Predecessor {
    std::string id;     // "A.12.4.1"
    std::string title;  // the 2013 title
};

// The text columns an organisation may import from its licensed copy, in display order.
inline const std::vector<std::string>& TextFields() {
    static const std::vector<std::string> k = {"description", "purpose", "guidance", "other_information"};
    return k;
}

struct Control {
    std::string framework_id;
    std::string id;
    std::string title;
    int64_t position = 0;
    query::Item built_in;                          // the framework's tags
    query::Item attributes;                        // effective tags (built_in with the overrides applied)
    std::vector<std::string> overridden_families;  // families the organisation retagged
    int64_t attributes_version = 0;                // +1 with every retag or reset (0: never); the API's ETag
    std::vector<Predecessor> predecessors;
    std::map<std::string, std::string> text;  // TextFields() → imported text (only those present)
    std::string text_source, text_updated_at;
    query::Item fields;  // everything the query language sees (see the top of this file)
    // Filled by CatalogService::Show only (not in snapshots): the structured content of a control of an
    // imported framework — for an OSCAL catalog its class, params, props, links and parts in OSCAL's JSON form
    // (null for the built-in catalog) — and the controls that are its enhancements (id, title).
    Json content;
    std::vector<std::pair<std::string, std::string>> enhancements;
    std::string json;    // ControlJson(*this) as compact text, rendered once per snapshot for fast listings

    const query::Values& Values(const std::string& field) const;
    std::string First(const std::string& field) const;  // first value or ""
};

// The in-memory catalog of one organisation and framework (immutable once built; shared by results).
struct CatalogSnapshot {
    Framework framework;
    std::vector<Control> controls;  // in the framework's order
    query::Vocabulary vocabulary;
    std::vector<const query::Item*> items;  // &controls[i].fields, for Select
    std::map<std::string, size_t, std::less<>> index;
    std::pair<int64_t, int64_t> version{-1, -1};  // (built-in, organisation) catalog_versions

    const Control* Find(std::string_view id) const;
};

struct ControlQuery {
    std::string framework = kIso27002;
    SelectionSpec spec;
    std::string columns;  // comma-separated fields to show; "" = the caller's default
};

// The result of a query: the selection refers into the snapshot it holds.
struct ControlList {
    std::shared_ptr<const CatalogSnapshot> snapshot;
    Selection selection;
    std::vector<std::string> columns;  // validated, canonical; empty when none were asked for
    const Control& at(size_t index) const { return snapshot->controls[index]; }
};

struct TransitionRow {
    std::string id_2013, title_2013, id_2022, title_2022;
};

struct Transition {
    std::string query;      // as asked
    std::string direction;  // "2013->2022" or "2022->2013"
    std::string id;         // the normalised id ("A.12.4.1" or "8.15")
    bool new_in_2022 = false;
    std::vector<TransitionRow> rows;
};

struct AttributeChange {
    enum class Kind { kSet, kAdd, kRemove, kReset };
    Kind kind = Kind::kSet;
    std::string family;    // "" with kReset: every family
    query::Values values;  // for kSet, kAdd, kRemove

    // Parses "family=V1,V2" (or "family" alone for kReset). Throws kInvalidInput.
    static AttributeChange Parse(Kind kind, std::string_view text);
};

struct TextImport {
    int imported = 0;   // controls whose text was created or changed
    int unchanged = 0;  // controls whose text was already the same
    std::vector<std::string> ids;
};

struct VocabularyValue {
    std::string value;
    int count = 0;  // controls carrying it (effective attributes)
};
struct VocabularyField {
    query::FieldSpec spec;
    bool overridable = false;
    std::vector<VocabularyValue> values;  // closed fields only
};

// Bumps the organisation's catalog version ('' for built-in data) inside a write, so that every server's
// cache reloads. Every write that changes what a snapshot holds calls it (overrides, texts, imported
// frameworks, reference data).
void MarkCatalogChanged(store::WriteTx& tx, const std::string& org_id);

// The control `id` of a snapshot, or kNotFound naming the id and the range of ids.
const Control& RequireControl(const CatalogSnapshot& snapshot, std::string_view id);

struct CatalogOptions {
    // How long a cached snapshot is trusted before catalog_versions is read again (changes by other processes).
    std::chrono::milliseconds revalidate_after{1000};
};

// Per-organisation attribute overrides, for `isms log verify` (store/state_check.hpp): each row against the
// "override" part of its last change-log entry.
store::LoggedTable ControlOverridesLoggedTable();

class CatalogService {
public:
    explicit CatalogService(store::Store& store, CatalogOptions options = {}) : store_(store), options_(options) {}

    // Frameworks visible to the organisation: built-in ones and those it imported.
    std::vector<Framework> Frameworks(const Context& ctx);

    // The organisation's effective catalog (cached; see the top of this file). kNotFound for an unknown
    // framework.
    std::shared_ptr<const CatalogSnapshot> Snapshot(const Context& ctx, std::string_view framework = kIso27002);

    // Filters, sorts, groups and pivots the controls. kInvalidInput for a bad spec (column, valid names).
    ControlList Query(const Context& ctx, const ControlQuery& q);

    // One control with its content and enhancements (see Control::content). kNotFound names the id. Accepts
    // "A.5.7" for "5.7" (the Annex A spelling).
    Control Show(const Context& ctx, std::string_view id, std::string_view framework = kIso27002);

    // The 2013 ↔ 2022 correspondence: "A.12.4.1" / "12.4.1" → its 2022 controls; "8.15" / "A.8.15" → its 2013
    // predecessors (empty and new_in_2022 for the 11 new controls). kNotFound for an unknown id.
    Transition TransitionOf(const Context& ctx, std::string_view id);

    // The fields of the query language with their values and how many controls carry each.
    std::vector<VocabularyField> VocabularyOf(const Context& ctx, std::string_view framework = kIso27002);

    // Retags a control for the organisation (27002 attributes are a starting point). Changes apply in order;
    // values are checked against the family's vocabulary; a family left with no value is refused (use
    // reset). An override equal to the built-in tags is dropped. One change-log entry (entity
    // "control_override", id "FRAMEWORK:ID", before/after effective attributes and override). Returns the
    // updated control. Needs kCatalogEdit. `if_version`: the attributes_version the caller read;
    // kPreconditionFailed when the control was retagged since (optimistic concurrency; nullopt: unconditional).
    Control ChangeAttributes(const Context& ctx, std::string_view id, const std::vector<AttributeChange>& changes,
                             std::string_view framework = kIso27002, std::optional<int64_t> if_version = std::nullopt);

    // Imports descriptions from the organisation's licensed copy: CSV with a header "id" plus one or more of
    // TextFields(). All or nothing: every problem (unknown id, repeated id, unknown column, malformed CSV) is
    // reported with its line and field and nothing is stored. Rows replace the text of their control; other
    // controls keep theirs. One change-log entry per changed control (entity "control_text"). kCatalogEdit.
    TextImport ImportTexts(const Context& ctx, std::string_view csv, std::string source,
                           std::string_view framework = kIso27002);

    // Drops the organisation's cached snapshots ("" = all, e.g. after the built-in data changed). Code that
    // changes catalog tables outside this service calls it after its transaction commits (and calls
    // MarkCatalogChanged inside it, for other processes).
    void Invalidate(const std::string& org_id = "");

private:
    std::shared_ptr<CatalogSnapshot> Load(store::Db& db, const std::string& org_id, std::string_view framework);
    std::pair<int64_t, int64_t> Versions(store::Db& db, const std::string& org_id);

    struct CacheEntry {
        std::shared_ptr<const CatalogSnapshot> snapshot;
        std::chrono::steady_clock::time_point checked;  // when its version was last compared with the store
        uint64_t generation = 0;                         // generation_ when it was read
    };
    store::Store& store_;
    CatalogOptions options_;
    std::mutex mutex_;
    std::map<std::string, CacheEntry> cache_;  // "org\nframework"
    // Bumped by Invalidate after a commit; an entry read under an older generation is not trusted, so a load
    // racing with a write cannot keep pre-write data for a whole revalidation window.
    uint64_t generation_ = 0;
};

}  // namespace isms::catalog
