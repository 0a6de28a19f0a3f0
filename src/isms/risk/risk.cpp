#include "isms/risk/risk.hpp"

#include <fmt/format.h>

#include <cctype>

#include "isms/core/error.hpp"

namespace isms::risk {

std::string_view ApproachName(Approach a) { return a == Approach::kAssetBased ? "asset" : "scenario"; }

std::optional<Approach> ParseApproach(std::string_view s) {
    if (s == "asset" || s == "asset-based" || s == "asset_based") return Approach::kAssetBased;
    if (s == "scenario" || s == "event" || s == "event-based" || s == "event_based") return Approach::kEventBased;
    return std::nullopt;
}

std::string_view OptionName(TreatmentOption o) {
    switch (o) {
        case TreatmentOption::kModify: return "modify";
        case TreatmentOption::kRetain: return "retain";
        case TreatmentOption::kAvoid: return "avoid";
        case TreatmentOption::kShare: return "share";
    }
    return "modify";
}

std::optional<TreatmentOption> ParseOption(std::string_view s) {
    if (s == "modify" || s == "reduce" || s == "mitigate") return TreatmentOption::kModify;
    if (s == "retain" || s == "accept") return TreatmentOption::kRetain;
    if (s == "avoid") return TreatmentOption::kAvoid;
    if (s == "share" || s == "transfer") return TreatmentOption::kShare;
    return std::nullopt;
}

std::vector<std::string> OptionNames() { return {"modify", "retain", "avoid", "share"}; }

std::vector<std::string> RiskStatusNames() {
    return {"identified", "assessed", "treatment_planned", "treated", "accepted", "closed"};
}

std::vector<std::string> ActionStatusNames() { return {"open", "in_progress", "done", "cancelled"}; }

std::string Cia::ToString() const {
    std::string s;
    if (confidentiality) s += 'C';
    if (integrity) s += 'I';
    if (availability) s += 'A';
    return s;
}

std::vector<std::string> Cia::ToList() const {
    std::vector<std::string> out;
    if (confidentiality) out.push_back("C");
    if (integrity) out.push_back("I");
    if (availability) out.push_back("A");
    return out;
}

Cia Cia::FromList(const std::vector<std::string>& v) {
    Cia c;
    for (const auto& raw : v) {
        std::string s;
        for (unsigned char ch : raw) s += static_cast<char>(std::tolower(ch));
        if (s == "c" || s == "confidentiality") {
            c.confidentiality = true;
        } else if (s == "i" || s == "integrity") {
            c.integrity = true;
        } else if (s == "a" || s == "availability") {
            c.availability = true;
        } else {
            throw Error::InvalidInput(fmt::format("'{}' is not a security property", raw),
                                      {{"cia", "unknown property", {"C", "I", "A"}}});
        }
    }
    return c;
}

Cia Cia::Parse(std::string_view s) {
    std::vector<std::string> parts;
    if (s.find_first_of(",; ") != std::string_view::npos) {
        std::string cur;
        for (char ch : s) {
            if (ch == ',' || ch == ';' || ch == ' ') {
                if (!cur.empty()) parts.push_back(cur);
                cur.clear();
            } else {
                cur += ch;
            }
        }
        if (!cur.empty()) parts.push_back(cur);
    } else if (s.size() <= 3 && s.find_first_not_of("CIAcia") == std::string_view::npos) {
        for (char ch : s) parts.emplace_back(1, ch);  // "CIA", "ca"
    } else if (!s.empty()) {
        parts.emplace_back(s);  // "confidentiality"
    }
    return FromList(parts);
}

Json Score::ToJson() const {
    return {{"likelihood", likelihood}, {"consequence", consequence}, {"criteria_version", criteria_version},
            {"level", level}};
}

Json Treatment::ToJson() const {
    return {{"option", OptionName(option)},
            {"controls", controls},
            {"own_controls", own_controls},
            {"plan", plan},
            {"residual", residual ? residual->ToJson() : Json(nullptr)},
            {"decided_at", decided_at},
            {"decided_by", decided_by}};
}

Json Acceptance::ToJson() const {
    return {{"id", id},       {"risk", risk_id},   {"person", person_id},       {"recorded_by", recorded_by},
            {"at", at},       {"comment", comment}, {"residual", residual.ToJson()}, {"authority", authority},
            {"current", current}};
}

Json Assessment::ToJson() const {
    return {{"seq", seq}, {"kind", kind}, {"at", at}, {"actor", actor}, {"score", score.ToJson()}, {"note", note}};
}

bool TreatmentAction::Overdue(std::string_view today) const {
    return (status == "open" || status == "in_progress") && !due_date.empty() && due_date < today;
}

Json TreatmentAction::ToJson() const {
    return {{"id", id},         {"risk", risk_id},         {"title", title},           {"owner", owner},
            {"due_date", due_date}, {"status", status},    {"control", control},       {"notes", notes},
            {"completed_on", completed_on}, {"created_at", created_at}, {"updated_at", updated_at},
            {"version", row_version}};
}

Json Risk::ToJson() const {
    Json acts = Json::array();
    for (const auto& a : actions) acts.push_back(a.ToJson());
    return {{"id", id},
            {"title", title},
            {"description", description},
            {"approach", ApproachName(approach)},
            {"scenario", scenario},
            {"assets", assets},
            {"threats", threats},
            {"vulnerabilities", vulnerabilities},
            {"owner", owner},
            {"cia", cia.ToList()},
            {"existing_controls", existing_controls},
            {"review_date", review_date},
            {"status", status},
            {"closed", closed},
            {"inherent", inherent ? inherent->ToJson() : Json(nullptr)},
            {"treatment", treatment ? treatment->ToJson() : Json(nullptr)},
            {"acceptance", acceptance ? acceptance->ToJson() : Json(nullptr)},
            {"actions", acts},
            {"created_at", created_at},
            {"created_by", created_by},
            {"updated_at", updated_at},
            {"version", row_version}};
}

}  // namespace isms::risk
