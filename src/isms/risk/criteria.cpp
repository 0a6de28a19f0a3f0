#include "isms/risk/criteria.hpp"

#include <fmt/format.h>

#include <cctype>
#include <set>

#include "isms/core/error.hpp"

namespace isms::risk {

namespace {

constexpr int kMinSteps = 3, kMaxSteps = 5;
constexpr size_t kMinLevels = 2, kMaxLevels = 6;

bool ValidLevelId(std::string_view s) {
    if (s.empty() || s.size() > 32) return false;
    for (unsigned char c : s)
        if (!(std::islower(c) || std::isdigit(c) || c == '_')) return false;
    return true;
}

bool ValidColour(std::string_view s) {
    if (s.size() != 7 || s[0] != '#') return false;
    for (size_t i = 1; i < 7; ++i)
        if (!std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
}

std::vector<std::string> LevelIds(const std::vector<RiskLevel>& levels) {
    std::vector<std::string> out;
    for (const auto& l : levels) out.push_back(l.id);
    return out;
}

std::string ScaleRange(const std::vector<ScaleLevel>& scale) {
    if (scale.empty()) return "(empty scale)";
    return fmt::format("1 ({}) to {} ({})", scale.front().name, scale.size(), scale.back().name);
}

void ValidateScale(const std::vector<ScaleLevel>& scale, const std::string& field, std::vector<ErrorDetail>& errs) {
    if (scale.size() < kMinSteps || scale.size() > kMaxSteps) {
        errs.push_back({field, fmt::format("a scale has 3, 4 or 5 steps, not {}", scale.size()), {"3", "4", "5"}});
    }
    std::set<std::string> names;
    for (size_t i = 0; i < scale.size(); ++i) {
        std::string f = fmt::format("{}[{}]", field, i);
        if (scale[i].value != static_cast<int>(i) + 1)
            errs.push_back({f + ".value", fmt::format("steps are numbered 1..n in order; expected {}", i + 1)});
        if (scale[i].name.empty() || scale[i].name.size() > 60)
            errs.push_back({f + ".name", "every step needs a name of 1 to 60 characters"});
        else if (!names.insert(scale[i].name).second)
            errs.push_back({f + ".name", fmt::format("the name '{}' is used twice", scale[i].name)});
        if (scale[i].description.size() > 1000)
            errs.push_back({f + ".description", "at most 1000 characters"});
    }
}

std::vector<ScaleLevel> MakeScale(const std::vector<std::pair<const char*, const char*>>& steps) {
    std::vector<ScaleLevel> out;
    for (const auto& [name, desc] : steps) out.push_back({static_cast<int>(out.size()) + 1, name, desc});
    return out;
}

// Our own wording of typical scale steps for a small or mid-sized company.
std::vector<ScaleLevel> DefaultLikelihood(int steps) {
    switch (steps) {
        case 3:
            return MakeScale({{"Unlikely", "Not expected within the next five years"},
                              {"Possible", "Could happen within the next few years"},
                              {"Likely", "Expected at least once a year"}});
        case 4:
            return MakeScale({{"Unlikely", "Not expected within the next five years"},
                              {"Possible", "Could happen once in two to five years"},
                              {"Likely", "Expected about once a year"},
                              {"Almost certain", "Expected several times a year"}});
        default:
            return MakeScale({{"Rare", "Only in exceptional circumstances; less than once in ten years"},
                              {"Unlikely", "Could happen once in three to ten years"},
                              {"Possible", "Could happen once in one to three years"},
                              {"Likely", "Expected about once a year"},
                              {"Almost certain", "Expected several times a year or already happening"}});
    }
}

std::vector<ScaleLevel> DefaultConsequence(int steps) {
    switch (steps) {
        case 3:
            return MakeScale({{"Minor", "Handled in normal operations; no customer or legal effect"},
                              {"Moderate", "Noticeable disruption or exposure; some customers affected; "
                                           "reportable incident possible"},
                              {"Severe", "Long outage, major data breach, regulatory sanction or lasting loss "
                                         "of customer trust"}});
        case 4:
            return MakeScale({{"Minor", "Handled in normal operations; no customer or legal effect"},
                              {"Moderate", "Short disruption or limited exposure of internal information"},
                              {"Major", "Customers affected, personal data exposed, or a reportable breach"},
                              {"Severe", "Business-threatening outage, large breach or regulatory sanction"}});
        default:
            return MakeScale(
                {{"Insignificant", "No noticeable effect; absorbed by normal operations"},
                 {"Minor", "Small disruption or exposure of internal information; no customer effect"},
                 {"Moderate", "Some customers affected or a service degraded for hours; limited financial loss"},
                 {"Major", "Personal or customer data exposed, outage of a day or more, reportable breach"},
                 {"Severe", "Business-threatening: large breach, long outage, sanction or loss of key customers"}});
    }
}

}  // namespace

std::string_view AuthorityName(AcceptanceAuthority a) {
    switch (a) {
        case AcceptanceAuthority::kRiskOwner: return "risk_owner";
        case AcceptanceAuthority::kTopManagement: return "top_management";
        case AcceptanceAuthority::kNotAcceptable: return "not_acceptable";
    }
    return "not_acceptable";
}

std::optional<AcceptanceAuthority> ParseAuthority(std::string_view s) {
    if (s == "risk_owner") return AcceptanceAuthority::kRiskOwner;
    if (s == "top_management") return AcceptanceAuthority::kTopManagement;
    if (s == "not_acceptable") return AcceptanceAuthority::kNotAcceptable;
    return std::nullopt;
}

void RiskCriteria::Validate() const {
    std::vector<ErrorDetail> errs;
    ValidateScale(likelihood, "likelihood", errs);
    ValidateScale(consequence, "consequence", errs);
    if (levels.size() < kMinLevels || levels.size() > kMaxLevels)
        errs.push_back({"levels", fmt::format("between {} and {} risk levels are needed, not {}", kMinLevels,
                                              kMaxLevels, levels.size())});
    std::set<std::string> ids, names;
    for (size_t i = 0; i < levels.size(); ++i) {
        const auto& lv = levels[i];
        std::string f = fmt::format("levels[{}]", i);
        if (!ValidLevelId(lv.id))
            errs.push_back({f + ".id", fmt::format("'{}' is not a valid level id: use lower-case letters, digits "
                                                   "and '_' (at most 32)",
                                                   lv.id)});
        else if (!ids.insert(lv.id).second)
            errs.push_back({f + ".id", fmt::format("the level id '{}' is used twice", lv.id)});
        if (lv.name.empty() || lv.name.size() > 60)
            errs.push_back({f + ".name", "every level needs a name of 1 to 60 characters"});
        else if (!names.insert(lv.name).second)
            errs.push_back({f + ".name", fmt::format("the level name '{}' is used twice", lv.name)});
        if (!ValidColour(lv.colour))
            errs.push_back({f + ".colour", fmt::format("'{}' is not a colour of the form #rrggbb", lv.colour)});
        // A more severe level never has looser acceptance than a less severe one.
        if (i > 0 && static_cast<int>(lv.acceptance) < static_cast<int>(levels[i - 1].acceptance))
            errs.push_back({f + ".acceptance",
                            fmt::format("'{}' is more severe than '{}' but its acceptance ({}) is looser than {}",
                                        lv.id, levels[i - 1].id, AuthorityName(lv.acceptance),
                                        AuthorityName(levels[i - 1].acceptance)),
                            {"risk_owner", "top_management", "not_acceptable"}});
    }
    if (matrix.size() != likelihood.size()) {
        errs.push_back({"matrix", fmt::format("the matrix needs one row per likelihood step ({}), not {}",
                                              likelihood.size(), matrix.size())});
    } else {
        bool shape_ok = true;
        for (size_t l = 0; l < matrix.size(); ++l) {
            if (matrix[l].size() != consequence.size()) {
                shape_ok = false;
                errs.push_back({fmt::format("matrix[{}]", l),
                                fmt::format("row {} (likelihood {}) needs one level per consequence step ({}), not {}",
                                            l, l + 1, consequence.size(), matrix[l].size())});
                continue;
            }
            for (size_t c = 0; c < matrix[l].size(); ++c) {
                int v = matrix[l][c];
                if (v < 0 || v >= static_cast<int>(levels.size())) {
                    shape_ok = false;
                    errs.push_back({fmt::format("matrix[{}][{}]", l, c), "not one of the levels", LevelIds(levels)});
                }
            }
        }
        if (shape_ok) {
            // A higher likelihood or consequence must never give a lower level.
            for (size_t l = 0; l < matrix.size(); ++l)
                for (size_t c = 0; c < matrix[l].size(); ++c) {
                    if (c > 0 && matrix[l][c] < matrix[l][c - 1])
                        errs.push_back({fmt::format("matrix[{}][{}]", l, c),
                                        fmt::format("likelihood {} × consequence {} is '{}' but consequence {} gives "
                                                    "'{}': the level must not fall as the consequence rises",
                                                    l + 1, c + 1, levels[matrix[l][c]].id, c,
                                                    levels[matrix[l][c - 1]].id)});
                    if (l > 0 && matrix[l][c] < matrix[l - 1][c])
                        errs.push_back({fmt::format("matrix[{}][{}]", l, c),
                                        fmt::format("likelihood {} × consequence {} is '{}' but likelihood {} gives "
                                                    "'{}': the level must not fall as the likelihood rises",
                                                    l + 1, c + 1, levels[matrix[l][c]].id, l,
                                                    levels[matrix[l - 1][c]].id)});
                }
        }
    }
    if (note.size() > 2000) errs.push_back({"note", "at most 2000 characters"});
    if (!errs.empty()) {
        std::string msg = errs.size() == 1 ? "the risk criteria are not valid: " + errs[0].message
                                           : fmt::format("the risk criteria are not valid ({} problems; first: {})",
                                                         errs.size(), errs[0].message);
        throw Error::InvalidInput(msg, std::move(errs));
    }
}

void RiskCriteria::CheckScore(int l, int c, std::string_view lf, std::string_view cf) const {
    std::vector<ErrorDetail> errs;
    auto allowed = [](size_t n) {
        std::vector<std::string> a;
        for (size_t i = 1; i <= n; ++i) a.push_back(std::to_string(i));
        return a;
    };
    if (l < 1 || l > static_cast<int>(likelihood.size()))
        errs.push_back({std::string(lf),
                        fmt::format("{} is outside the likelihood scale of criteria version {}: use {}", l, version,
                                    ScaleRange(likelihood)),
                        allowed(likelihood.size())});
    if (c < 1 || c > static_cast<int>(consequence.size()))
        errs.push_back({std::string(cf),
                        fmt::format("{} is outside the consequence scale of criteria version {}: use {}", c, version,
                                    ScaleRange(consequence)),
                        allowed(consequence.size())});
    if (!errs.empty()) {
        std::string msg = errs[0].field + " " + errs[0].message;
        if (errs.size() > 1) msg += "; " + errs[1].field + " " + errs[1].message;
        throw Error::InvalidInput(msg, std::move(errs));
    }
}

int RiskCriteria::LevelIndex(int l, int c) const {
    CheckScore(l, c);
    return matrix[l - 1][c - 1];
}

const RiskLevel& RiskCriteria::LevelOf(int l, int c, std::string_view lf, std::string_view cf) const {
    CheckScore(l, c, lf, cf);
    return levels[matrix[l - 1][c - 1]];
}

std::optional<int> RiskCriteria::FindLevel(std::string_view id) const {
    for (size_t i = 0; i < levels.size(); ++i)
        if (levels[i].id == id) return static_cast<int>(i);
    return std::nullopt;
}

Json RiskCriteria::ToJson() const {
    auto scale = [](const std::vector<ScaleLevel>& s) {
        Json a = Json::array();
        for (const auto& x : s) a.push_back({{"value", x.value}, {"name", x.name}, {"description", x.description}});
        return a;
    };
    Json lv = Json::array();
    for (const auto& x : levels)
        lv.push_back({{"id", x.id}, {"name", x.name}, {"colour", x.colour}, {"acceptance", AuthorityName(x.acceptance)}});
    Json m = Json::array();
    for (const auto& row : matrix) {
        Json r = Json::array();
        for (int v : row) r.push_back(v >= 0 && v < static_cast<int>(levels.size()) ? Json(levels[v].id) : Json(nullptr));
        m.push_back(r);
    }
    Json j = {{"likelihood", scale(likelihood)}, {"consequence", scale(consequence)}, {"levels", lv}, {"matrix", m},
              {"note", note}};
    if (version) j["version"] = version;
    if (!created_at.empty()) j["created_at"] = created_at;
    if (!created_by.empty()) j["created_by"] = created_by;
    return j;
}

RiskCriteria RiskCriteria::FromJson(const Json& j) {
    if (!j.is_object()) throw Error::InvalidInput("risk criteria must be a JSON object");
    std::vector<ErrorDetail> errs;
    auto str = [&](const Json& o, const char* key, const std::string& field, bool required) -> std::string {
        if (!o.contains(key) || o[key].is_null()) {
            if (required) errs.push_back({field, "required"});
            return {};
        }
        if (!o[key].is_string()) {
            errs.push_back({field, "must be a string"});
            return {};
        }
        return o[key].get<std::string>();
    };
    RiskCriteria c;
    auto scale = [&](const char* key) {
        std::vector<ScaleLevel> out;
        if (!j.contains(key) || !j[key].is_array()) {
            errs.push_back({key, "required: an array of 3 to 5 steps, least first, each {\"name\", \"description\"}"});
            return out;
        }
        for (size_t i = 0; i < j[key].size(); ++i) {
            const auto& s = j[key][i];
            std::string f = fmt::format("{}[{}]", key, i);
            if (!s.is_object()) {
                errs.push_back({f, "must be an object {\"name\", \"description\"}"});
                continue;
            }
            ScaleLevel sl;
            sl.value = static_cast<int>(i) + 1;
            if (s.contains("value") && !(s["value"].is_number_integer() && s["value"].get<int>() == sl.value))
                errs.push_back({f + ".value", fmt::format("steps are numbered 1..n in order; expected {}", sl.value)});
            sl.name = str(s, "name", f + ".name", true);
            sl.description = str(s, "description", f + ".description", false);
            out.push_back(std::move(sl));
        }
        return out;
    };
    c.likelihood = scale("likelihood");
    c.consequence = scale("consequence");
    if (!j.contains("levels") || !j["levels"].is_array()) {
        errs.push_back({"levels", "required: an array of levels, least severe first, each {\"id\", \"name\", "
                                  "\"colour\", \"acceptance\"}"});
    } else {
        for (size_t i = 0; i < j["levels"].size(); ++i) {
            const auto& s = j["levels"][i];
            std::string f = fmt::format("levels[{}]", i);
            if (!s.is_object()) {
                errs.push_back({f, "must be an object"});
                continue;
            }
            RiskLevel lv;
            lv.id = str(s, "id", f + ".id", true);
            lv.name = str(s, "name", f + ".name", false);
            if (lv.name.empty()) lv.name = lv.id;
            lv.colour = str(s, "colour", f + ".colour", true);
            std::string acc = str(s, "acceptance", f + ".acceptance", true);
            if (auto a = ParseAuthority(acc)) {
                lv.acceptance = *a;
            } else if (!acc.empty()) {
                errs.push_back({f + ".acceptance", fmt::format("'{}' is not an acceptance authority", acc),
                                {"risk_owner", "top_management", "not_acceptable"}});
            }
            c.levels.push_back(std::move(lv));
        }
    }
    if (!j.contains("matrix") || !j["matrix"].is_array()) {
        errs.push_back({"matrix", "required: one row per likelihood step (least first), each a list of level ids "
                                  "per consequence step"});
    } else {
        for (size_t l = 0; l < j["matrix"].size(); ++l) {
            const auto& row = j["matrix"][l];
            std::vector<int> r;
            if (!row.is_array()) {
                errs.push_back({fmt::format("matrix[{}]", l), "must be an array of level ids"});
                c.matrix.push_back(r);
                continue;
            }
            for (size_t k = 0; k < row.size(); ++k) {
                std::string f = fmt::format("matrix[{}][{}]", l, k);
                if (!row[k].is_string()) {
                    errs.push_back({f, "must be a level id", LevelIds(c.levels)});
                    r.push_back(-1);
                    continue;
                }
                auto idx = c.FindLevel(row[k].get<std::string>());
                if (!idx) {
                    errs.push_back({f, fmt::format("'{}' is not one of the levels", row[k].get<std::string>()),
                                    LevelIds(c.levels)});
                    r.push_back(-1);
                    continue;
                }
                r.push_back(*idx);
            }
            c.matrix.push_back(std::move(r));
        }
    }
    c.note = str(j, "note", "note", false);
    if (j.contains("version") && j["version"].is_number_integer()) c.version = j["version"].get<int>();
    if (j.contains("created_at") && j["created_at"].is_string()) c.created_at = j["created_at"].get<std::string>();
    if (j.contains("created_by") && j["created_by"].is_string()) c.created_by = j["created_by"].get<std::string>();
    if (!errs.empty()) {
        std::string msg = fmt::format("the risk criteria are not valid: {} {}", errs[0].field, errs[0].message);
        throw Error::InvalidInput(msg, std::move(errs));
    }
    c.Validate();
    return c;
}

RiskCriteria RiskCriteria::Default(int steps) {
    if (steps < kMinSteps || steps > kMaxSteps)
        throw Error::InvalidInput(fmt::format("ready-made criteria exist for 3, 4 or 5 steps, not {}", steps),
                                  {{"steps", "unsupported", {"3", "4", "5"}}});
    RiskCriteria c;
    c.likelihood = DefaultLikelihood(steps);
    c.consequence = DefaultConsequence(steps);
    c.levels = {
        {"low", "Low", "#4caf50", AcceptanceAuthority::kRiskOwner},
        {"medium", "Medium", "#ffc107", AcceptanceAuthority::kRiskOwner},
        {"high", "High", "#ff7043", AcceptanceAuthority::kTopManagement},
        {"critical", "Critical", "#c62828", AcceptanceAuthority::kNotAcceptable},
    };
    // Level by position along the diagonal: the sum of the two steps, scaled to 0..1 and cut in quarters.
    // For 5 × 5 this gives the familiar pattern (sum ≤ 4 low, 5–6 medium, 7–8 high, 9–10 critical).
    c.matrix.assign(steps, std::vector<int>(steps, 0));
    for (int l = 1; l <= steps; ++l)
        for (int k = 1; k <= steps; ++k) {
            int num = l + k - 2, den = 2 * steps - 2;  // position 0..den
            int level = num * 4 <= den ? 0 : num * 4 <= 2 * den ? 1 : num * 4 <= 3 * den ? 2 : 3;
            c.matrix[l - 1][k - 1] = level;
        }
    c.note = fmt::format("ready-made {0} × {0} criteria", steps);
    return c;
}

}  // namespace isms::risk
