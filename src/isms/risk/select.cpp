#include "isms/risk/select.hpp"

namespace isms::risk {

namespace q = catalog::query;

q::Vocabulary RiskVocabulary() {
    std::vector<std::string> approaches{std::string(ApproachName(Approach::kAssetBased)),
                                        std::string(ApproachName(Approach::kEventBased))};
    return q::Vocabulary({
        {"id", "the risk's id (R-12)", {}, true, false},
        {"title", "the risk's title", {}, true, false},
        {"owner", "the risk owner's person id", {}, true, false},
        {"status", "where the risk is in its life cycle", RiskStatusNames(), false, false},
        {"approach", "asset-based or event-based (scenario) identification", approaches, false, false},
        {"assets", "affected assets (record ids)", {}, true, true},
        {"threats", "threat ids from the library", {}, true, true},
        {"vulnerabilities", "vulnerability ids from the library", {}, true, true},
        {"cia", "security properties harmed", {"C", "I", "A"}, false, true},
        {"level", "inherent risk level", {}, true, false},
        {"residual_level", "planned residual risk level", {}, true, false},
        {"treatment", "treatment option", OptionNames(), false, false},
        {"controls", "controls the treatment chose (Annex A and own)", {}, true, true},
        {"closed", "whether the risk is closed", {"yes", "no"}, false, false},
        {"accepted", "whether the residual risk is formally accepted", {"yes", "no"}, false, false},
    });
}

q::Item RiskItem(const Risk& r) {
    auto one = [](const std::string& v) { return v.empty() ? q::Values{} : q::Values{v}; };
    q::Item item;
    item["id"] = {r.id};
    item["title"] = one(r.title);
    item["owner"] = one(r.owner);
    item["status"] = one(r.status);
    item["approach"] = {std::string(ApproachName(r.approach))};
    item["assets"] = r.assets;
    item["threats"] = r.threats;
    item["vulnerabilities"] = r.vulnerabilities;
    item["cia"] = r.cia.ToList();
    item["level"] = r.inherent ? one(r.inherent->level) : q::Values{};
    item["residual_level"] = r.treatment && r.treatment->residual ? one(r.treatment->residual->level) : q::Values{};
    if (r.treatment) {
        item["treatment"] = {std::string(OptionName(r.treatment->option))};
        q::Values controls = r.treatment->controls;
        controls.insert(controls.end(), r.treatment->own_controls.begin(), r.treatment->own_controls.end());
        item["controls"] = std::move(controls);
    }
    item["closed"] = {r.closed ? "yes" : "no"};
    item["accepted"] = {r.acceptance ? "yes" : "no"};
    return item;
}

std::vector<Risk> SelectRisks(std::vector<Risk>&& risks, std::string_view where) {
    auto expr = q::Compile(where, RiskVocabulary());
    if (expr.kind == q::Expr::Kind::kAll) return std::move(risks);
    std::vector<Risk> out;
    for (auto& r : risks)
        if (q::Matches(expr, RiskItem(r))) out.push_back(std::move(r));
    return out;
}

std::vector<Risk> SelectRisks(const std::vector<Risk>& risks, std::string_view where) {
    auto expr = q::Compile(where, RiskVocabulary());
    std::vector<Risk> out;
    for (const auto& r : risks)
        if (q::Matches(expr, RiskItem(r))) out.push_back(r);
    return out;
}

}  // namespace isms::risk
