// Writers of the ISMS's own records as OSCAL documents: the Statement of Applicability as a profile and a
// system security plan, treatment-plan and corrective actions as a plan of action and milestones, internal
// audits as an assessment plan and assessment results.
//
// These are the writer side: plain inputs in, schema-valid OSCAL out (each is checked against NIST's schema
// in exports_test.cpp). The services that own the records (SoA and risk treatment, audits and corrective
// actions) fill the inputs; see docs/oscal.md "Exports" for which fields map where. Identifiers of controls
// are the OSCAL ids of the catalog the SoA refers to (for the built-in ISO/IEC 27002:2022: "a.5.1", as
// CatalogFromAttributes writes them).
//
// uuids are derived from the inputs' ids (the same input gives the same document) unless given.
#pragma once

#include <string>
#include <vector>

#include "isms/oscal/document.hpp"

namespace isms::oscal {

struct Party {
    std::string id;     // the ISMS's id of the person or role holder
    std::string name;
};

struct ExportHeader {
    std::string organisation;   // the organisation's name
    std::string title;          // document title
    std::string version = "1";
    std::string last_modified;  // RFC 3339
};

// 27001 6.1.3 d): the SoA — each control with inclusion, justification and implementation status.
struct SoaEntry {
    std::string control_id;       // OSCAL id in the catalog ("a.5.1")
    bool applicable = true;
    std::string justification;    // why included or excluded
    std::string status;           // implemented | partial | planned | alternative | not-applicable
    std::string implementation;   // how it is implemented (the SSP statement)
    std::vector<std::string> responsible_roles;  // role ids (declared in `roles`)
    std::vector<std::string> responsible_parties;  // ids of `SoaExport::parties` holding those roles
};

struct SoaExport {
    ExportHeader header;
    std::string catalog_href;  // what the profile imports ("iso27002-2022_catalog.json")
    std::string profile_href;  // what the SSP imports ("soa_profile.json")
    std::string system_name;   // the ISMS scope as the "system"
    std::string scope_description;
    std::vector<std::pair<std::string, std::string>> roles;  // id, title
    std::vector<SoaEntry> entries;
    std::vector<Party> parties;  // people named by entries (metadata parties of type person)
};

// The applicable controls as a profile that selects them from the catalog (the others are listed in the
// profile's metadata remarks with their justification).
Document ProfileFromSoa(const SoaExport& soa);
// A system security plan: the ISMS scope as the system, one implemented requirement per applicable control
// with its implementation status, responsible roles and justification.
Document SspFromSoa(const SoaExport& soa);

// 27001 6.1.3 e) / 10.2: actions of the risk treatment plan and corrective actions still open.
struct PlannedAction {
    std::string id;
    std::string title;
    std::string description;
    std::string kind;         // "treatment" or "corrective"
    std::string status;       // open | in-progress | done
    std::string due;          // RFC 3339 date-time ("" = none)
    std::string owner;        // party name
    std::vector<std::string> control_ids;  // related controls
    std::string origin;       // the risk or nonconformity it answers ("risk R-12", "finding F-3")
};

// 27001 6.1.2, 8.2: a risk that is still open (not accepted, not closed), as an OSCAL POA&M risk with its
// assessment as characterization facets and the actions that treat it as remediations.
struct PoamRisk {
    std::string id;           // "R-12"
    std::string title;
    std::string description;  // the scenario or the description
    std::string status;       // OSCAL risk status: open, investigating, remediating, deviation-requested
    std::string isms_status;  // the register's own status (identified, assessed, treatment_planned, treated)
    int likelihood = 0, consequence = 0;  // current score (0 = not assessed)
    std::string level;        // risk level of the score ("high")
    std::string owner;        // party name
    std::string deadline;     // RFC 3339 ("" = none): the risk's review date
    std::vector<std::string> action_ids;  // PlannedAction ids of `actions` that treat it
};

struct PoamExport {
    ExportHeader header;
    std::string system_id;  // the ISMS's id of the organisation
    std::vector<PlannedAction> actions;
    std::vector<PoamRisk> risks;  // POA&M items refer to the risks that list them (related-risks)
};
Document PoamFromActions(const PoamExport& poam);

// 27001 9.2: an internal audit — its plan (scope, criteria, controls to assess) and its results (findings).
struct AuditFinding {
    std::string id;
    std::string title;
    std::string description;
    std::string control_id;  // "" when not about one control
    std::string verdict;     // satisfied | not-satisfied
};

struct AuditExport {
    ExportHeader header;
    std::string ssp_href;  // the SSP the assessment refers to
    std::string audit_id;
    std::string objective;
    std::string start, end;  // RFC 3339
    std::vector<std::string> control_ids;
    std::vector<AuditFinding> findings;
};
Document AssessmentPlanFromAudit(const AuditExport& audit);
Document AssessmentResultsFromAudit(const AuditExport& audit);

}  // namespace isms::oscal
