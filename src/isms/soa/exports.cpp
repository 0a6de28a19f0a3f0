#include "isms/soa/exports.hpp"

#include <fmt/format.h>

#include "isms/io/xlsx.hpp"

namespace isms::soa {

namespace {

std::string Join(const std::vector<std::string>& v, const std::string& sep = "; ") {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
    return s;
}

std::string Requirements(const Entry& e) {
    std::vector<std::string> parts;
    for (const auto& r : e.requirements) parts.push_back(fmt::format("{} {} ({})", r.id, r.title, r.basis));
    return Join(parts);
}

const std::vector<std::string> kColumns = {"control",  "title",         "theme",        "applicability", "decided_by",
                                           "risks",    "requirements",  "business_need", "exclusion_reason",
                                           "status",   "owner",         "notes",        "evidence",
                                           "control_type"};

}  // namespace

std::string ApplicabilityColour(const std::string& a) {
    if (a == "applicable") return "#c8e6c9";
    if (a == "not_applicable") return "#e0e0e0";
    if (a == "undecided") return "#ffe082";
    return "";
}

std::string StatusColour(const std::string& s) {
    if (s == "implemented") return "#81c784";
    if (s == "partial") return "#fff176";
    if (s == "planned") return "#bbdefb";
    if (s == "not_started") return "#ffcdd2";
    if (s == "not_applicable") return "#e0e0e0";
    return "";
}

io::Table SoaTable(const ExportData& d) {
    io::Table t{kColumns, {}};
    for (const auto& e : d.entries) {
        auto ct = e.attributes.find("control_type");
        t.rows.push_back({e.control_id, e.title, e.theme, e.applicability, e.decided_by, Join(e.risks),
                          Requirements(e), e.business_need, e.exclusion_reason, e.status, e.owner, e.notes,
                          Join(e.evidence), ct == e.attributes.end() ? "" : Join(ct->second)});
    }
    return t;
}

std::string SoaXlsx(const ExportData& d) {
    io::XlsxDocument doc;
    doc.title = d.version ? fmt::format("Statement of Applicability v{} — {}", d.version->version, d.organisation)
                          : fmt::format("Statement of Applicability (current, not approved) — {}", d.organisation);
    doc.subject = "ISO/IEC 27001:2022 6.1.3 d";
    doc.author = d.organisation;

    auto table = SoaTable(d);
    io::XlsxSheet s;
    s.name = "Statement of Applicability";
    for (const auto& c : table.columns) {
        bool wide = c == "title" || c == "business_need" || c == "exclusion_reason" || c == "notes" ||
                    c == "requirements" || c == "evidence";
        s.columns.push_back({c, wide ? 40.0 : 0.0, wide});
    }
    for (const auto& e : d.entries) {
        std::vector<std::string> fill(kColumns.size());
        fill[3] = ApplicabilityColour(e.applicability);
        fill[9] = StatusColour(e.status);
        s.fills.push_back(std::move(fill));
    }
    s.rows = std::move(table.rows);
    s.freeze_columns = 2;
    doc.sheets.push_back(std::move(s));

    io::XlsxSheet open;
    open.name = "Open items";
    open.columns = {{"control"}, {"kind"}, {"message", 90, true}, {"refs"}};
    std::vector<CheckItem> items = d.version ? d.version->check : Check(d.entries);
    for (const auto& c : items) open.rows.push_back({c.control_id, c.kind, c.message, Join(c.refs)});
    doc.sheets.push_back(std::move(open));

    io::XlsxSheet about;
    about.name = "Approval";
    about.autofilter = false;
    about.columns = {{"", 22}, {"", 80, true}};
    about.rows.push_back({"organisation", d.organisation});
    if (d.version) {
        about.rows.push_back({"version", std::to_string(d.version->version)});
        about.rows.push_back({"approved by", d.version->approved_by});
        about.rows.push_back({"approved at", d.version->approved_at});
        about.rows.push_back({"risk criteria version", std::to_string(d.version->criteria_version)});
        about.rows.push_back({"comment", d.version->comment});
        about.rows.push_back({"open items at approval", std::to_string(d.version->open_items)});
        about.rows.push_back({"override reason", d.version->override_reason});
        about.rows.push_back({"snapshot SHA-256", d.version->hash});
    } else {
        about.rows.push_back({"version", "current statement, not approved"});
    }
    doc.sheets.push_back(std::move(about));
    return io::WriteXlsx(doc);
}

}  // namespace isms::soa
