// The organisation's own records as OSCAL documents: the Statement of Applicability (27001 6.1.3 d) as a
// profile that selects its applicable controls from the built-in ISO/IEC 27002:2022 catalog and as a system
// security plan with the implementation status of each, and the risk treatment plan (6.1.3 e, 8.3) with the
// open risks as a plan of action and milestones. This layer reads the SoA, risk and records services and fills
// the plain inputs of exports.hpp, which does the writing (field mapping: docs/oscal.md "Exports").
//
// Which statement: `soa_version` nullopt = the latest approved version (its approval time is the document's
// last-modified, so exporting it twice gives the same document); 0 = the current statement, approved or not;
// N = approved version N.
//
// The profile imports the catalog as `iso27001-2022_catalog.json` relative to itself, which is what
// `isms oscal export catalog -o iso27001-2022_catalog.json` writes; the SSP imports the profile as
// `soa_profile.json`.
//
// Other modules add POA&M items (the evaluation module's open corrective actions, 27001 10.2) with
// AddPoamActions, called by the composition root; their ids must not collide with treatment actions ("A-1").
//
// Permissions: kRead (and whatever the services read need). Errors: kNotFound for an unknown SoA version, or
// when no version is approved and none was asked for (the message says how to export the current one), or
// when a POA&M would be empty (no open action, no open risk). Thread-safe when AddPoamActions is only called
// during construction of the application.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "isms/org/organisations.hpp"
#include "isms/oscal/document.hpp"
#include "isms/oscal/exports.hpp"
#include "isms/records/service.hpp"
#include "isms/risk/directory.hpp"
#include "isms/risk/register.hpp"
#include "isms/soa/statement.hpp"

namespace isms::oscal {

inline constexpr std::string_view kSoaCatalogHref = "iso27001-2022_catalog.json";
inline constexpr std::string_view kSoaProfileHref = "soa_profile.json";

// "latest" or "" (nullopt), "current" (0) or a version number; kInvalidInput naming `field` otherwise.
std::optional<int> ParseSoaVersion(std::string_view text, const std::string& field);

class RecordExports {
public:
    using ActionSource = std::function<std::vector<PlannedAction>(const Context&)>;

    RecordExports(soa::StatementOfApplicability& soa, risk::RiskRegister& risks, risk::RecordDirectory& directory,
                  records::RecordService& records, org::OrganisationService& organisations)
        : soa_(soa), risks_(risks), directory_(directory), records_(records), organisations_(organisations) {}

    // The inputs, for callers that want to inspect or add to them.
    SoaExport SoaInput(const Context& ctx, std::optional<int> soa_version = std::nullopt);
    PoamExport PoamInput(const Context& ctx);

    Document SoaProfile(const Context& ctx, std::optional<int> soa_version = std::nullopt);
    Document SystemSecurityPlan(const Context& ctx, std::optional<int> soa_version = std::nullopt);
    Document PlanOfActionAndMilestones(const Context& ctx);

    // More POA&M items from another module (appended after the treatment actions, in the order added).
    void AddPoamActions(ActionSource source) { sources_.push_back(std::move(source)); }

private:
    std::string OrganisationName(const Context& ctx);
    std::map<std::string, std::string> PersonNames(const Context& ctx, const std::vector<std::string>& ids);

    soa::StatementOfApplicability& soa_;
    risk::RiskRegister& risks_;
    risk::RecordDirectory& directory_;
    records::RecordService& records_;
    org::OrganisationService& organisations_;
    std::vector<ActionSource> sources_;
};

}  // namespace isms::oscal
