// The built-in reference data: ISO/IEC 27001:2022 Annex A / ISO/IEC 27002:2022 (93 controls, 4 themes, five
// attribute families), the 2013 → 2022 correspondence and the clauses 4–10 of ISO/IEC 27001:2022. The files
// are the project's own copy under data/iso27001-2022/ (identifiers, titles and tags only: no ISO text),
// compiled into the binary.
//
// Loading is idempotent: the SHA-256 of the files is kept in frameworks.data_hash; when it matches, nothing is
// written. When a newer binary carries changed data, the built-in rows (org_id '') are replaced in one
// transaction and the change log records which controls were added, changed or removed. Organisations'
// overrides and imported texts are keyed by control id and survive an upgrade.
#pragma once

#include <string>
#include <vector>

#include "isms/catalog/query.hpp"
#include "isms/core/json.hpp"
#include "isms/store/store.hpp"

namespace isms::catalog {

inline constexpr const char* kIso27002 = "iso27001-2022";

// One attribute family of a framework (stored in frameworks.attributes_json).
struct AttributeFamily {
    std::string name;         // "control_type"
    std::string description;  // our own words
    query::Values values;     // closed vocabulary in display order; empty for free text
    bool overridable = true;  // organisations may retag it (themes and new_in_2022 are facts, not tags)
    bool multi_valued = true;
};

// A framework's families as stored in frameworks.attributes_json ([{name, description, values, overridable,
// multi_valued}]); imported frameworks store theirs the same way.
Json FamiliesToJson(const std::vector<AttributeFamily>& families);
std::vector<AttributeFamily> FamiliesFromJson(const Json& j);

struct ReferenceFiles {
    std::string controls_csv;  // id,theme,title,control_type,…,new_in_2022
    std::string mapping_csv;   // id_2013,title_2013,id_2022
    std::string clauses_csv;   // id,title,documented_information_required,guidance_topic
};

// The files compiled into this binary.
ReferenceFiles EmbeddedReferenceFiles();

// The attribute families of the built-in framework, in the vocabulary order of data/iso27001-2022/README.md.
std::vector<AttributeFamily> Iso27002Families();

struct ReferenceLoad {
    bool written = false;        // false when the stored data already matched
    std::string data_hash;       // of the files loaded
    std::string previous_hash;   // "" when there was none
    int controls = 0, mappings = 0, clauses = 0;
    std::vector<std::string> added, changed, removed;  // control ids, compared with the stored data
};

// Loads the files into frameworks/controls/control_mapping/clauses (org_id '') unless already current.
// Throws kInvalidInput naming the file, line and field when the files are malformed (a broken build).
ReferenceLoad EnsureReferenceData(store::Store& store, const ReferenceFiles& files = EmbeddedReferenceFiles());

}  // namespace isms::catalog
