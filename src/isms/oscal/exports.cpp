#include "isms/oscal/exports.hpp"

#include "isms/oscal/framework.hpp"

namespace isms::oscal {

namespace {

Json Metadata(const ExportHeader& h, const std::vector<std::pair<std::string, std::string>>& roles = {}) {
    Json md = {{"title", h.title},
               {"last-modified", h.last_modified},
               {"version", h.version},
               {"oscal-version", std::string(kOscalVersion)},
               {"parties", Json::array({{{"uuid", DerivedUuid("party:" + h.organisation)},
                                         {"type", "organization"},
                                         {"name", h.organisation}}})}};
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
    if (!excluded.empty()) profile["metadata"]["remarks"] = "Controls excluded by the Statement of Applicability:\n\n" + excluded;
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
        for (const auto& r : e.responsible_roles) roles.push_back({{"role-id", r}});
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
        {"metadata", Metadata(soa.header, soa.roles)},
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
        if (!remarks.empty()) item["remarks"] = remarks;
        items.push_back(std::move(item));
    }
    Json doc = {{"uuid", DerivedUuid("poam:" + org + ":" + poam.header.version)},
                {"metadata", Metadata(poam.header)},
                {"system-id", {{"identifier-type", "https://ietf.org/rfc/rfc4122"}, {"id", DerivedUuid("system:" + poam.system_id)}}},
                {"poam-items", items}};
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
