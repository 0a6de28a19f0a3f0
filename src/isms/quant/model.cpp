#include <fmt/format.h>

#include "isms/core/error.hpp"
#include "isms/quant/model.hpp"

namespace isms::quant {

namespace {
double Factor(const Json& j, const char* key, const std::string& where, double def) {
    if (!j.contains(key)) return def;
    if (!j.at(key).is_number())
        throw Error::InvalidInput(fmt::format("{}.{} must be a number", where, key), {{where + "." + key, "not a number"}});
    double v = j.at(key).get<double>();
    if (!(v >= 0) || !std::isfinite(v))
        throw Error::InvalidInput(fmt::format("{}.{} must be zero or positive", where, key),
                                  {{where + "." + key, "must be ≥ 0"}});
    return v;
}

Distribution FrequencyFromJson(const Json& j, const std::string& where) {
    // {"dist": "poisson", "lambda": x} is a fixed rate.
    if (j.is_object() && j.value("dist", "") == "poisson") {
        if (!j.contains("lambda") || !j["lambda"].is_number())
            throw Error::InvalidInput(where + ": 'lambda' (events per year) is required", {{where + ".lambda", "required"}});
        Json c = {{"dist", "constant"}, {"value", j["lambda"]}};
        return Distribution::FromJson(c, where);
    }
    return Distribution::FromJson(j, where);
}
}  // namespace

RiskModel RiskModel::FromJson(const Json& j, const std::string& where) {
    if (!j.is_object()) throw Error::InvalidInput(where + ": an object is expected", {{where, "not an object"}});
    RiskModel r;
    r.id = j.value("id", "");
    if (r.id.empty()) throw Error::InvalidInput(where + ": 'id' is required", {{where + ".id", "required"}});
    r.title = j.value("title", r.id);
    if (j.contains("decomposition")) {
        const Json& d = j["decomposition"];
        Decomposition dec;
        std::string w = where + ".decomposition";
        if (!d.is_object() || !d.contains("tef") || !d.contains("tcap") || !d.contains("rs"))
            throw Error::InvalidInput(w + ": needs 'tef', 'tcap' and 'rs'", {{w, "needs tef, tcap, rs"}});
        dec.threat_event_frequency = FrequencyFromJson(d["tef"], w + ".tef");
        dec.threat_capability = Distribution::FromJson(d["tcap"], w + ".tcap");
        dec.resistance_strength = Distribution::FromJson(d["rs"], w + ".rs");
        r.decomposition = dec;
    } else if (j.contains("frequency")) {
        r.frequency = FrequencyFromJson(j["frequency"], where + ".frequency");
    } else {
        throw Error::InvalidInput(where + ": 'frequency' (or 'decomposition') is required",
                                  {{where + ".frequency", "required"}});
    }
    const char* mkey = j.contains("primary") ? "primary" : "magnitude";
    if (!j.contains(mkey))
        throw Error::InvalidInput(where + ": 'magnitude' (loss per event) is required", {{where + ".magnitude", "required"}});
    r.primary = Distribution::FromJson(j[mkey], where + "." + mkey);
    if (j.contains("secondary")) {
        const Json& s = j["secondary"];
        SecondaryLoss sl;
        std::string w = where + ".secondary";
        sl.probability = Factor(s, "probability", w, 1.0);
        if (sl.probability > 1)
            throw Error::InvalidInput(w + ".probability must be between 0 and 1", {{w + ".probability", "0 to 1"}});
        if (!s.contains("magnitude")) throw Error::InvalidInput(w + ": 'magnitude' is required", {{w + ".magnitude", "required"}});
        sl.magnitude = Distribution::FromJson(s["magnitude"], w + ".magnitude");
        r.secondary = sl;
    }
    if (j.contains("treatments")) {
        if (!j["treatments"].is_array())
            throw Error::InvalidInput(where + ".treatments must be a list", {{where + ".treatments", "not a list"}});
        int i = 0;
        for (const auto& t : j["treatments"]) {
            std::string w = fmt::format("{}.treatments[{}]", where, i++);
            TreatmentEffect e;
            e.name = t.value("name", "");
            e.frequency_factor = Factor(t, "frequency_factor", w, 1.0);
            e.magnitude_factor = Factor(t, "magnitude_factor", w, 1.0);
            e.annual_cost = Factor(t, "annual_cost", w, 0.0);
            r.treatments.push_back(e);
        }
    }
    return r;
}

Json RiskModel::ToJson() const {
    Json j = {{"id", id}, {"title", title}, {"magnitude", primary.ToJson()}};
    if (decomposition) {
        j["decomposition"] = {{"tef", decomposition->threat_event_frequency.ToJson()},
                              {"tcap", decomposition->threat_capability.ToJson()},
                              {"rs", decomposition->resistance_strength.ToJson()}};
    } else {
        j["frequency"] = frequency.ToJson();
    }
    if (secondary)
        j["secondary"] = {{"probability", secondary->probability}, {"magnitude", secondary->magnitude.ToJson()}};
    if (!treatments.empty()) {
        j["treatments"] = Json::array();
        for (const auto& t : treatments)
            j["treatments"].push_back({{"name", t.name},
                                       {"frequency_factor", t.frequency_factor},
                                       {"magnitude_factor", t.magnitude_factor},
                                       {"annual_cost", t.annual_cost}});
    }
    return j;
}

RiskModel RiskModel::Residual() const {
    double ff = 1, mf = 1;
    for (const auto& t : treatments) {
        ff *= t.frequency_factor;
        mf *= t.magnitude_factor;
    }
    RiskModel r = *this;
    r.treatments.clear();
    if (r.decomposition) {
        r.decomposition->threat_event_frequency = r.decomposition->threat_event_frequency.Scaled(ff);
    } else {
        r.frequency = r.frequency.Scaled(ff);
    }
    r.primary = r.primary.Scaled(mf);
    if (r.secondary) r.secondary->magnitude = r.secondary->magnitude.Scaled(mf);
    return r;
}

double RiskModel::AnnualTreatmentCost() const {
    double c = 0;
    for (const auto& t : treatments) c += t.annual_cost;
    return c;
}

double RiskModel::AnalyticMean() const {
    double magnitude = primary.Mean() + (secondary ? secondary->probability * secondary->magnitude.Mean() : 0.0);
    if (decomposition) return std::nan("");  // P(TCap > RS) has no closed form in general
    return frequency.Mean() * magnitude;
}

}  // namespace isms::quant
