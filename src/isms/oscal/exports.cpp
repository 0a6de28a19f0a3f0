#include "isms/oscal/exports.hpp"

#include <algorithm>
#include <map>

#include "isms/oscal/framework.hpp"

namespace isms::oscal {

namespace {

std::string OrganisationUuid(const std::string& organisation) { return DerivedUuid("party:" + organisation); }
std::string PersonUuid(const std::string& organisation, const std::string& id) {
    return DerivedUuid("person:" + organisation + ":" + id);
}

Json Metadata(const ExportHeader& h, const std::vector<std::pair<std::string, std::string>>& roles = {},
              const std::vector<Party>& people = {}) {
    Json parties = Json::array({{{"uuid", OrganisationUuid(h.organisation)}, {"type", "organization"}, {"name", h.organisation}}});
    for (const auto& p : people)
        parties.push_back({{"uuid", PersonUuid(h.organisation, p.id)},
                           {"type", "person"},
                           {"name", p.name.empty() ? p.id : p.name},
                           {"props", Json::array({{{"name", "person-id"}, {"value", p.id}, {"ns", std::string(kIsmsNamespace)}}})},
                           {"member-of-organizations", Json::array({OrganisationUuid(h.organisation)})}});
    Json md = {{"title", h.title},
               {"last-modified", h.last_modified},
               {"version", h.version},
               {"oscal-version", std::string(kOscalVersion)},
               {"parties", parties}};
    if (!roles.empty()) {
        Json rs = Json::array();
        for (const auto& [id, title] : roles) rs.push_back({{"id", id}, {"title", title}});
        md["roles"] = rs;
    }
    return md;
}

Json IsmsProp(const std::string& name, const std::string& value) {
    return {{"name", name}, {"value", value}, {"ns", std::string(kIsmsNamespace)}};
}

// OSCAL implementation-status states: implemented, partial, planned, alternative, not-applicable.
std::string StatusState(const std::string& s) {
    for (const char* k : {"implemented", "partial", "planned", "alternative", "not-applicable"})
        if (s == k) return s;
    return "planned";
}

}  // namespace

Document ProfileFromSoa(const SoaExport& soa) {
    Json ids = Json::array();
    std::string excluded;
    for (const auto& e : soa.entries) {
        if (e.applicable)
            ids.push_back(e.control_id);
        else
            excluded += "* " + e.control_id + ": " + (e.justification.empty() ? "excluded" : e.justification) + "\n";
    }
    Json profile = {{"uuid", DerivedUuid("soa-profile:" + soa.header.organisation + ":" + soa.header.version)},
                    {"metadata", Metadata(soa.header)},
                    {"imports", Json::array({{{"href", soa.catalog_href},
                                              {"include-controls", Json::array({{{"with-ids", ids}}})}}})},
                    {"merge", {{"as-is", true}}}};
    if (ids.empty()) profile["imports"][0].erase("include-controls"), profile["imports"][0]["include-all"] = Json::object();
    if (!excluded.empty())
        profile["metadata"]["remarks"] = "Controls the Statement of Applicability does not select:\n\n" + excluded;
    return {Model::kProfile, std::move(profile)};
}

Document SspFromSoa(const SoaExport& soa) {
    std::string org = soa.header.organisation;
    std::string this_system = DerivedUuid("component:this-system:" + org);
    Json reqs = Json::array();
    for (const auto& e : soa.entries) {
        if (!e.applicable) continue;
        Json req = {{"uuid", DerivedUuid("ir:" + org + ":" + e.control_id)},
                    {"control-id", e.control_id},
                    {"props", Json::array({{{"name", "implementation-status"}, {"value", StatusState(e.status)}}})}};
        if (!e.justification.empty()) req["remarks"] = e.justification;
        Json roles = Json::array();
        for (const auto& r : e.responsible_roles) {
            Json role = {{"role-id", r}};
            for (const auto& p : e.responsible_parties) role["party-uuids"].push_back(PersonUuid(org, p));
            roles.push_back(std::move(role));
        }
        if (!roles.empty()) req["responsible-roles"] = roles;
        req["by-components"] = Json::array(
            {{{"component-uuid", this_system},
              {"uuid", DerivedUuid("bc:" + org + ":" + e.control_id)},
              {"description", e.implementation.empty() ? "Implementation as described in the ISMS." : e.implementation},
              {"implementation-status", {{"state", StatusState(e.status)}}}}});
        reqs.push_back(std::move(req));
    }
    Json ssp = {
        {"uuid", DerivedUuid("ssp:" + org + ":" + soa.header.version)},
        {"metadata", Metadata(soa.header, soa.roles, soa.parties)},
        {"import-profile", {{"href", soa.profile_href}}},
        {"system-characteristics",
         {{"system-ids", Json::array({{{"identifier-type", "https://ietf.org/rfc/rfc4122"}, {"id", DerivedUuid("system:" + org)}}})},
          {"system-name", soa.system_name},
          {"description", soa.scope_description.empty() ? "The scope of the ISMS." : soa.scope_description},
          {"system-information",
           {{"information-types",
             Json::array({{{"uuid", DerivedUuid("info:" + org)},
                           {"title", "Information within the ISMS scope"},
                           {"description", "The information the ISMS protects (see the asset inventory)."},
                           {"confidentiality-impact", {{"base", "fips-199-moderate"}}},
                           {"integrity-impact", {{"base", "fips-199-moderate"}}},
                           {"availability-impact", {{"base", "fips-199-moderate"}}}}})}}},
          {"status", {{"state", "operational"}}},
          {"authorization-boundary", {{"description", "The ISMS scope (ISO/IEC 27001:2022 clause 4.3)."}}}}},
        {"system-implementation",
         {{"users", Json::array({{{"uuid", DerivedUuid("user:" + org)}, {"title", "ISMS staff"},
                                  {"props", Json::array({IsmsProp("source", "isms")})}}})},
          {"components", Json::array({{{"uuid", this_system},
                                       {"type", "this-system"},
                                       {"title", soa.system_name},
                                       {"description", "The organisation's ISMS scope as one system."},
                                       {"status", {{"state", "operational"}}}}})}}},
        {"control-implementation",
         {{"description", "Controls applicable according to the Statement of Applicability, with their status."},
          {"implemented-requirements", reqs}}}};
    return {Model::kSystemSecurityPlan, std::move(ssp)};
}

Document PoamFromActions(const PoamExport& poam) {
    std::string org = poam.header.organisation;
    auto risk_uuid = [&](const std::string& id) { return DerivedUuid("risk:" + org + ":" + id); };
    std::map<std::string, std::vector<std::string>> risks_of;  // action id → risk ids
    Json risks = Json::array();
    for (const auto& r : poam.risks) {
        Json risk = {{"uuid", risk_uuid(r.id)},
                     {"title", r.title},
                     {"description", r.description.empty() ? r.title : r.description},
                     {"statement", "Risk " + r.id + " of the organisation's risk register (ISO/IEC 27001:2022 6.1.2), "
                                   "status " + r.isms_status + (r.owner.empty() ? "" : ", owned by " + r.owner) + "."},
                     {"props", Json::array({IsmsProp("risk-id", r.id), IsmsProp("risk-status", r.isms_status)})},
                     {"status", r.status.empty() ? "open" : r.status}};
        if (r.likelihood > 0 && r.consequence > 0) {
            Json facets = Json::array({{{"name", "likelihood"}, {"system", std::string(kIsmsNamespace)}, {"value", std::to_string(r.likelihood)}},
                                       {{"name", "impact"}, {"system", std::string(kIsmsNamespace)}, {"value", std::to_string(r.consequence)}}});
            if (!r.level.empty())
                facets.push_back({{"name", "risk"}, {"system", std::string(kIsmsNamespace)}, {"value", r.level}});
            risk["characterizations"] = Json::array(
                {{{"origin", {{"actors", Json::array({{{"type", "party"}, {"actor-uuid", OrganisationUuid(org)}}})}}},
                  {"facets", facets}}});
        }
        if (!r.deadline.empty()) risk["deadline"] = r.deadline;
        Json remediations = Json::array();
        for (const auto& aid : r.action_ids) {
            risks_of[aid].push_back(r.id);
            auto a = std::find_if(poam.actions.begin(), poam.actions.end(), [&](const auto& x) { return x.id == aid; });
            if (a == poam.actions.end()) continue;
            remediations.push_back({{"uuid", DerivedUuid("remediation:" + org + ":" + aid)},
                                    {"lifecycle", a->status == "done" ? "completed" : "planned"},
                                    {"title", a->title},
                                    {"description", a->description.empty() ? a->title : a->description}});
        }
        if (!remediations.empty()) risk["remediations"] = remediations;
        risks.push_back(std::move(risk));
    }
    Json items = Json::array();
    for (const auto& a : poam.actions) {
        Json item = {{"uuid", DerivedUuid("poam-item:" + org + ":" + a.id)},
                     {"title", a.title},
                     {"description", a.description.empty() ? a.title : a.description},
                     {"props", Json::array({IsmsProp("action-id", a.id), IsmsProp("action-kind", a.kind.empty() ? "treatment" : a.kind),
                                            IsmsProp("action-status", a.status.empty() ? "open" : a.status)})}};
        std::string remarks;
        if (!a.owner.empty()) remarks += "Owner: " + a.owner + ". ";
        if (!a.due.empty()) remarks += "Due: " + a.due + ". ";
        if (!a.origin.empty()) remarks += "Answers " + a.origin + ". ";
        if (!a.control_ids.empty()) {
            remarks += "Controls:";
            for (const auto& c : a.control_ids) remarks += " " + c;
            remarks += ".";
        }
        if (auto it = risks_of.find(a.id); it != risks_of.end())
            for (const auto& r : it->second) item["related-risks"].push_back({{"risk-uuid", risk_uuid(r)}});
        if (!remarks.empty()) item["remarks"] = remarks;
        items.push_back(std::move(item));
    }
    // A risk no open action treats yet is an item of its own: its treatment is still to be planned.
    for (const auto& r : poam.risks) {
        bool treated = std::any_of(r.action_ids.begin(), r.action_ids.end(), [&](const std::string& aid) {
            return std::any_of(poam.actions.begin(), poam.actions.end(), [&](const auto& x) { return x.id == aid; });
        });
        if (treated) continue;
        items.push_back({{"uuid", DerivedUuid("poam-item:" + org + ":risk:" + r.id)},
                         {"title", "Plan the treatment of risk " + r.id + ": " + r.title},
                         {"description", "Risk " + r.id + " is open (" + r.isms_status + ") and no open action treats it."},
                         {"props", Json::array({IsmsProp("risk-id", r.id)})},
                         {"related-risks", Json::array({{{"risk-uuid", risk_uuid(r.id)}}})}});
    }
    Json doc = {{"uuid", DerivedUuid("poam:" + org + ":" + poam.header.version)},
                {"metadata", Metadata(poam.header)},
                {"system-id", {{"identifier-type", "https://ietf.org/rfc/rfc4122"}, {"id", DerivedUuid("system:" + poam.system_id)}}},
                {"poam-items", items}};
    if (!risks.empty()) doc["risks"] = risks;
    return {Model::kPlanOfActionAndMilestones, std::move(doc)};
}

namespace {

Json ReviewedControls(const std::vector<std::string>& ids) {
    Json include = Json::array();
    for (const auto& c : ids) include.push_back({{"control-id", c}});
    Json sel = include.empty() ? Json{{"include-all", Json::object()}} : Json{{"include-controls", include}};
    return {{"control-selections", Json::array({sel})}};
}

}  // namespace

Document AssessmentPlanFromAudit(const AuditExport& audit) {
    std::string org = audit.header.organisation;
    Json plan = {{"uuid", DerivedUuid("ap:" + org + ":" + audit.audit_id)},
                 {"metadata", Metadata(audit.header)},
                 {"import-ssp", {{"href", audit.ssp_href}}},
                 {"reviewed-controls", ReviewedControls(audit.control_ids)},
                 {"terms-and-conditions",
                  {{"parts", Json::array({{{"name", "assessment-objective"},
                                           {"ns", std::string(kIsmsNamespace)},
                                           {"title", "Audit objective"},
                                           {"prose", audit.objective.empty() ? "Internal audit (ISO/IEC 27001:2022 9.2)." : audit.objective}}})}}}};
    if (!audit.start.empty() && !audit.end.empty())
        plan["tasks"] = Json::array({{{"uuid", DerivedUuid("task:" + org + ":" + audit.audit_id)},
                                      {"type", "action"},
                                      {"title", "Audit " + audit.audit_id},
                                      {"timing", {{"within-date-range", {{"start", audit.start}, {"end", audit.end}}}}}}});
    return {Model::kAssessmentPlan, std::move(plan)};
}

Document AssessmentResultsFromAudit(const AuditExport& audit) {
    std::string org = audit.header.organisation;
    Json findings = Json::array();
    Json observations = Json::array();
    for (const auto& f : audit.findings) {
        std::string obs = DerivedUuid("obs:" + org + ":" + audit.audit_id + ":" + f.id);
        observations.push_back({{"uuid", obs},
                                {"title", f.title},
                                {"description", f.description.empty() ? f.title : f.description},
                                {"methods", Json::array({"EXAMINE"})},
                                {"collected", audit.end.empty() ? audit.header.last_modified : audit.end}});
        Json finding = {{"uuid", DerivedUuid("finding:" + org + ":" + audit.audit_id + ":" + f.id)},
                        {"title", f.title},
                        {"description", f.description.empty() ? f.title : f.description},
                        {"props", Json::array({IsmsProp("finding-id", f.id)})},
                        {"related-observations", Json::array({{{"observation-uuid", obs}}})}};
        if (!f.control_id.empty())
            finding["target"] = {{"type", "objective-id"},
                                 {"target-id", f.control_id + "_obj"},
                                 {"status", {{"state", f.verdict == "satisfied" ? "satisfied" : "not-satisfied"}}}};
        else
            finding["target"] = {{"type", "objective-id"}, {"target-id", "isms"}, {"status", {{"state", f.verdict == "satisfied" ? "satisfied" : "not-satisfied"}}}};
        findings.push_back(std::move(finding));
    }
    Json result = {{"uuid", DerivedUuid("result:" + org + ":" + audit.audit_id)},
                   {"title", "Results of audit " + audit.audit_id},
                   {"description", audit.objective.empty() ? "Internal audit results." : audit.objective},
                   {"start", audit.start.empty() ? audit.header.last_modified : audit.start},
                   {"reviewed-controls", ReviewedControls(audit.control_ids)}};
    if (!audit.end.empty()) result["end"] = audit.end;
    if (!observations.empty()) result["observations"] = observations;
    if (!findings.empty()) result["findings"] = findings;
    Json ar = {{"uuid", DerivedUuid("ar:" + org + ":" + audit.audit_id)},
               {"metadata", Metadata(audit.header)},
               {"import-ap", {{"href", "#" + DerivedUuid("ap-resource:" + org + ":" + audit.audit_id)}}},
               {"results", Json::array({result})},
               {"back-matter", {{"resources", Json::array({{{"uuid", DerivedUuid("ap-resource:" + org + ":" + audit.audit_id)},
                                                             {"title", "Assessment plan"},
                                                             {"rlinks", Json::array({{{"href", "assessment-plan.json"}}})}}})}}}};
    return {Model::kAssessmentResults, std::move(ar)};
}

}  // namespace isms::oscal
