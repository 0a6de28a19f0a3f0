// What the risk and SoA modules need from the modules beside them: the Annex A controls of the catalog
// (AnnexAControls, over isms/catalog) and, as a small interface, the ISMS records (persons, assets, and the
// requirements that oblige an organisation to apply a control), implemented over isms/records by
// RecordsDirectory (records_directory.hpp). The risk and SoA services never reach into those modules' tables.
//
// Implementations must be thread-safe and scope every lookup by ctx.org_id (records of another
// organisation do not exist for the caller).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "isms/catalog/catalog.hpp"
#include "isms/core/context.hpp"
#include "isms/store/store.hpp"

namespace isms::risk {

// One control of ISO/IEC 27001:2022 Annex A with its 27002 attributes (as the organisation sees them, i.e.
// with its attribute overrides applied).
struct AnnexAControl {
    std::string id;     // "5.15"
    std::string title;  // "Access control"
    std::string theme;  // "organizational", "people", "physical", "technological"
    // Attribute family → values ("control_type" → {"Preventive"}), canonical names as the catalog uses them.
    std::map<std::string, std::vector<std::string>> attributes;
};

// The Annex A controls of the built-in ISO/IEC 27002:2022 catalog, in catalog order, as the organisation
// sees them (with its attribute overrides). Needs Permission::kRead.
std::vector<AnnexAControl> AnnexAControls(catalog::CatalogService& catalog, const Context& ctx);

// A record of the records module, as far as risk and SoA need to show it.
struct RecordSummary {
    std::string type;   // "person", "asset", "legal_requirement", …
    std::string id;     // "P-3"
    std::string title;  // the record's name
};

// A record that obliges the organisation to apply a control (27001 6.1.3 d: justification for inclusion):
// a legal, regulatory or contractual requirement, or an interested party's requirement.
struct ControlRequirement {
    std::string control_id;  // Annex A id
    RecordSummary record;
    std::string basis;  // "legal", "regulatory", "contractual", "interested_party", … (for grouping)
};

class RecordDirectory {
public:
    virtual ~RecordDirectory() = default;
    // The records of `type` ("person" or "asset") among `ids` that exist in the caller's organisation.
    // Ids not returned do not exist (or are archived).
    virtual std::vector<RecordSummary> Find(const Context& ctx, const std::string& type,
                                            const std::vector<std::string>& ids) = 0;
    // The person record of the acting account, when the account is linked to one.
    virtual std::optional<std::string> PersonOfActor(const Context& ctx) = 0;
    // True when the person belongs to top management (27001 5.1, 6.1.3 f: acceptance of higher risks).
    virtual bool IsTopManagement(const Context& ctx, const std::string& person_id) = 0;
    // Every requirement record that names an Annex A control.
    virtual std::vector<ControlRequirement> ControlRequirements(const Context& ctx) = 0;
    // Inside a write: records that `entity` `entity_id` (a risk, an action, …) links to the records `ids` of
    // `type` in `field`, replacing what it linked there before. Checks that they exist (kInvalidInput naming
    // `field`) and keeps them from being deleted while linked.
    virtual void Link(store::WriteTx& tx, const std::string& entity, const std::string& entity_id,
                      const std::string& field, const std::string& type, const std::vector<std::string>& ids) = 0;
};

}  // namespace isms::risk
