#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <numeric>
#include <optional>
#include <set>
#include <thread>

#include "isms/core/error.hpp"
#include "isms/quant/kernels.hpp"
#include "isms/quant/model.hpp"

namespace isms::quant {

namespace {

constexpr uint64_t kBlock = 16384;  // simulated years per (risk, block) stream

struct Prepared {
    const RiskModel* model;
    uint64_t key;
};

// Above this many events in one year, the sum of magnitudes is drawn from its normal approximation
// (mean K·E[X], variance K·Var[X]) instead of K draws; a constant magnitude stays exact (K·value).
constexpr uint64_t kExactEvents = 10000;

double LargeSum(const RiskModel& r, uint64_t k, Stream& s) {
    double kd = static_cast<double>(k);
    auto part = [&](const Distribution& d, double p) {
        // Per event: X·B with B ~ Bernoulli(p): mean p·E[X], variance p·E[X²] − (p·E[X])².
        double m = d.Mean(), ex2 = d.Variance() + m * m;
        return std::pair<double, double>{p * m, p * ex2 - p * p * m * m};
    };
    auto [m1, v1] = part(r.primary, 1.0);
    double mean = m1, var = v1;
    if (r.secondary) {
        auto [m2, v2] = part(r.secondary->magnitude, r.secondary->probability);
        mean += m2;
        var += v2;
    }
    if (var == 0) return kd * mean;
    return std::max(0.0, kd * mean + std::sqrt(kd * var) * s.Normal());
}

// Draws of one distribution for loss events, taken in batches: each refill draws as many as the caller
// says it still needs (at most a batch), so that a block draws about what it uses.
class EventDraws {
public:
    EventDraws(const Distribution& d, Stream& s) : d_(d), s_(s) {}
    double Next(uint64_t still_needed) {
        if (pos_ == size_) {
            size_ = static_cast<size_t>(std::clamp<uint64_t>(still_needed, 1, Stream::kBatch));
            d_.SampleBatch(s_, buf_, size_);
            pos_ = 0;
        }
        return buf_[pos_++];
    }

private:
    const Distribution& d_;
    Stream& s_;
    double buf_[Stream::kBatch];
    size_t pos_ = 0, size_ = 0;
};

const Distribution kUnitUniform = [] {
    Distribution d;
    d.kind = DistKind::kUniform;
    d.a = 0;
    d.b = 1;
    return d;
}();

// One risk's annual losses for years [0, n) of block `block`, written to out[0..n) (overwritten). Years are
// drawn a batch at a time: the rates of all years of the batch, then their event counts, then the events'
// magnitudes in the order of the years.
void RiskBlock(const RiskModel& r, uint64_t key, uint64_t seed, uint64_t block, uint64_t n, Mode mode, double* out) {
    constexpr size_t kB = Stream::kBatch;
    Stream s(seed, key, block);
    const bool has_secondary = r.secondary.has_value();
    const double sec_p = has_secondary ? r.secondary->probability : 0.0;
    EventDraws primary(r.primary, s);
    std::optional<EventDraws> secondary, secondary_hit;
    if (has_secondary) {
        secondary.emplace(r.secondary->magnitude, s);
        if (sec_p < 1.0) secondary_hit.emplace(kUnitUniform, s);
    }
    double rate[kB], lm[kB];
    uint64_t k[kB];
    for (uint64_t y0 = 0; y0 < n; y0 += kB) {
        const size_t m = static_cast<size_t>(std::min<uint64_t>(kB, n - y0));
        double* loss = out + y0;
        if (mode == Mode::kProduct) {
            // pyfair: LEF × (primary + secondary), one magnitude per simulated year.
            r.frequency.SampleBatch(s, rate, m);
            r.primary.SampleBatch(s, lm, m);
            for (size_t i = 0; i < m; ++i) {
                if (has_secondary && (sec_p >= 1.0 || secondary_hit->Next(m - i) < sec_p))
                    lm[i] += secondary->Next(m - i);
                loss[i] = rate[i] * lm[i];
            }
            continue;
        }
        if (r.decomposition) {
            // Threat events ~ Poisson(TEF); each becomes a loss event when capability exceeds resistance.
            const auto& d = *r.decomposition;
            d.threat_event_frequency.SampleBatch(s, rate, m);
            s.Poissons(rate, k, m);
            uint64_t threats = 0;
            for (size_t i = 0; i < m; ++i) threats += k[i];
            EventDraws capability(d.threat_capability, s), resistance(d.resistance_strength, s);
            for (size_t i = 0; i < m; ++i) {
                uint64_t events = 0;
                for (uint64_t t = 0; t < k[i]; ++t, --threats)
                    events += capability.Next(threats) > resistance.Next(threats);
                k[i] = events;
            }
        } else {
            r.frequency.SampleBatch(s, rate, m);
            s.Poissons(rate, k, m);
        }
        uint64_t events_left = 0;
        for (size_t i = 0; i < m; ++i) events_left += k[i] <= kExactEvents ? k[i] : 0;
        for (size_t i = 0; i < m; ++i) {
            if (k[i] > kExactEvents) {
                loss[i] = LargeSum(r, k[i], s);
                continue;
            }
            double sum = 0;
            for (uint64_t e = 0; e < k[i]; ++e, --events_left) {
                sum += primary.Next(events_left);
                if (has_secondary) {
                    uint64_t hint = static_cast<uint64_t>(std::ceil(static_cast<double>(events_left) * sec_p));
                    if (sec_p >= 1.0 || secondary_hit->Next(events_left) < sec_p) sum += secondary->Next(hint);
                }
            }
            loss[i] = sum;
        }
    }
}

void Check(const std::vector<RiskModel>& risks, const SimulationOptions& o) {
    if (risks.empty()) throw Error::InvalidInput("no risks to simulate (none has a quantitative estimate?)");
    if (o.years == 0) throw Error::InvalidInput("years must be at least 1", {{"years", "must be ≥ 1"}});
    if (o.years > 100'000'000)
        throw Error::InvalidInput("at most 100,000,000 simulated years", {{"years", "must be ≤ 100000000"}});
    std::set<std::string> ids;
    for (const auto& r : risks)
        if (!ids.insert(r.id).second)
            throw Error::InvalidInput(fmt::format("the risk id '{}' appears twice", r.id), {{"risks", "duplicate id"}});
}

int ThreadCount(const SimulationOptions& o) {
    int t = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
    return std::clamp(t, 1, 256);
}

// Runs f(block) for every block on `threads` threads. Blocks are independent; f must only write to
// storage owned by its block.
template <class F>
void ForEachBlock(uint64_t blocks, int threads, F&& f) {
    std::atomic<uint64_t> next{0};
    auto work = [&] {
        for (uint64_t b; (b = next.fetch_add(1)) < blocks;) f(b);
    };
    if (threads <= 1 || blocks <= 1) {
        work();
        return;
    }
    std::vector<std::thread> pool;
    for (int i = 1; i < threads && i < static_cast<int>(blocks); ++i) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
}

}  // namespace

double Percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    double idx = p / 100.0 * static_cast<double>(sorted.size() - 1);
    size_t lo = static_cast<size_t>(std::floor(idx));
    size_t hi = std::min(lo + 1, sorted.size() - 1);
    double frac = idx - static_cast<double>(lo);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

void SimulateAnnualLosses(const std::vector<RiskModel>& input, const SimulationOptions& o, std::vector<double>& out,
                          std::vector<RiskContribution>* per_risk) {
    Check(input, o);
    // A fixed order (by id) makes floating-point sums independent of the caller's order.
    std::vector<RiskModel> risks;
    risks.reserve(input.size());
    for (const auto& r : input) risks.push_back(o.residual ? r.Residual() : r);
    std::sort(risks.begin(), risks.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    std::vector<uint64_t> keys;
    for (const auto& r : risks) keys.push_back(StreamKey(r.id));

    out.assign(o.years, 0.0);
    const uint64_t blocks = (o.years + kBlock - 1) / kBlock;
    const size_t R = risks.size();
    // Per block and risk: sum, sum of squares, zero-loss years — reduced in block order afterwards.
    std::vector<double> sums(blocks * R, 0.0), sqs(blocks * R, 0.0);
    std::vector<uint64_t> zeros(blocks * R, 0);
    ForEachBlock(blocks, ThreadCount(o), [&](uint64_t b) {
        uint64_t begin = b * kBlock;
        uint64_t n = std::min(kBlock, o.years - begin);
        std::vector<double> buf(n);
        double* port = out.data() + begin;
        for (size_t r = 0; r < R; ++r) {
            RiskBlock(risks[r], keys[r], o.seed, b, n, o.mode, buf.data());
            kernels::AddToPortfolio(buf.data(), port, n, sums[b * R + r], sqs[b * R + r], zeros[b * R + r]);
        }
    });
    if (per_risk) {
        per_risk->clear();
        for (size_t r = 0; r < R; ++r) {
            double s = 0, q = 0;
            uint64_t z = 0;
            for (uint64_t b = 0; b < blocks; ++b) {
                s += sums[b * R + r];
                q += sqs[b * R + r];
                z += zeros[b * R + r];
            }
            double n = static_cast<double>(o.years);
            RiskContribution c;
            c.id = risks[r].id;
            c.title = risks[r].title;
            c.mean = s / n;
            c.sd = o.years > 1 ? std::sqrt(std::max(0.0, (q - s * s / n) / (n - 1))) : 0.0;
            c.p_zero = static_cast<double>(z) / n;
            per_risk->push_back(c);
        }
    }
}

Summary Summarise(std::vector<double>& v, const SimulationOptions& o) {
    Summary s;
    const double n = static_cast<double>(v.size());
    double sum = 0;
    uint64_t zeros = 0;
    for (double x : v) {
        sum += x;
        zeros += x == 0.0;
    }
    s.mean = sum / n;
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.sd = v.size() > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
    s.p_zero = static_cast<double>(zeros) / n;
    std::sort(v.begin(), v.end());
    s.min = v.front();
    s.max = v.back();
    s.p50 = Percentile(v, 50);
    s.p90 = Percentile(v, 90);
    s.p95 = Percentile(v, 95);
    s.p99 = Percentile(v, 99);
    // Loss-exceedance curve: P(annual loss > x).
    std::vector<double> points = o.lec_points;
    double lo = std::max(Percentile(v, 1), 1.0);
    for (double x : v)
        if (x > 0) {
            lo = std::max(lo, x);
            break;
        }
    double hi = s.max;
    if (o.lec_auto_points > 1 && hi > lo) {
        double l0 = std::log(lo), l1 = std::log(hi);
        for (int i = 0; i < o.lec_auto_points; ++i)
            points.push_back(std::exp(l0 + (l1 - l0) * i / (o.lec_auto_points - 1)));
    }
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    for (double x : points) {
        auto it = std::upper_bound(v.begin(), v.end(), x);
        s.lec.emplace_back(x, static_cast<double>(v.end() - it) / n);
    }
    return s;
}

SimulationResult Simulate(const std::vector<RiskModel>& risks, const SimulationOptions& o) {
    auto t0 = std::chrono::steady_clock::now();
    SimulationResult res;
    res.years = o.years;
    res.seed = o.seed;
    res.mode = o.mode;
    res.residual = o.residual;
    std::vector<double> losses;
    SimulateAnnualLosses(risks, o, losses, &res.risks);
    res.portfolio = Summarise(losses, o);
    for (auto& c : res.risks) c.share_of_mean = res.portfolio.mean > 0 ? c.mean / res.portfolio.mean : 0.0;
    std::stable_sort(res.risks.begin(), res.risks.end(),
                     [](const auto& a, const auto& b) { return a.share_of_mean > b.share_of_mean; });

    if (o.sensitivity) {
        // One input at a time at ±10 %, common random numbers (same seed and streams), on a shorter run.
        // Only the perturbed risk is re-simulated: portfolio' = base − loss_r + loss_r'.
        SimulationOptions so = o;
        so.years = std::min(o.years, o.sensitivity_years);
        so.sensitivity = false;
        std::vector<double> base;
        SimulateAnnualLosses(risks, so, base);
        for (const auto& r0 : risks) {
            RiskModel r = o.residual ? r0.Residual() : r0;
            r.treatments.clear();
            std::vector<double> own;
            SimulationOptions one = so;
            one.residual = false;
            SimulateAnnualLosses({r}, one, own);
            std::vector<std::string> inputs = {"frequency", "magnitude"};
            if (r.secondary) inputs.push_back("secondary");
            for (const auto& input : inputs) {
                Sensitivity sens;
                sens.risk_id = r.id;
                sens.input = input;
                for (double f : {0.9, 1.1}) {
                    RiskModel p = r;
                    if (input == "frequency") {
                        if (p.decomposition) {
                            p.decomposition->threat_event_frequency = p.decomposition->threat_event_frequency.Scaled(f);
                        } else {
                            p.frequency = p.frequency.Scaled(f);
                        }
                    } else if (input == "magnitude") {
                        p.primary = p.primary.Scaled(f);
                    } else {
                        p.secondary->magnitude = p.secondary->magnitude.Scaled(f);
                    }
                    std::vector<double> changed;
                    SimulateAnnualLosses({p}, one, changed);
                    std::vector<double> port(base.size());
                    for (size_t y = 0; y < base.size(); ++y) port[y] = base[y] - own[y] + changed[y];
                    double mean = std::accumulate(port.begin(), port.end(), 0.0) / static_cast<double>(port.size());
                    std::sort(port.begin(), port.end());
                    double p95 = Percentile(port, 95);
                    if (f < 1) {
                        sens.mean_low = mean;
                        sens.p95_low = p95;
                    } else {
                        sens.mean_high = mean;
                        sens.p95_high = p95;
                    }
                }
                sens.swing = std::fabs(sens.p95_high - sens.p95_low);
                res.sensitivity.push_back(sens);
            }
        }
        std::stable_sort(res.sensitivity.begin(), res.sensitivity.end(),
                         [](const auto& a, const auto& b) { return a.swing > b.swing; });
    }
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return res;
}

Json SimulationResult::ToJson() const {
    auto summary = [](const Summary& s) {
        Json lec = Json::array();
        for (const auto& [x, p] : s.lec) lec.push_back({{"loss", x}, {"probability", p}});
        return Json{{"mean", s.mean}, {"sd", s.sd},   {"min", s.min}, {"max", s.max},       {"p50", s.p50},
                    {"p90", s.p90},   {"p95", s.p95}, {"p99", s.p99}, {"p_zero", s.p_zero}, {"lec", lec}};
    };
    Json risks_j = Json::array();
    for (const auto& r : risks)
        risks_j.push_back({{"id", r.id},
                           {"title", r.title},
                           {"mean", r.mean},
                           {"sd", r.sd},
                           {"p_zero", r.p_zero},
                           {"share_of_mean", r.share_of_mean}});
    Json sens = Json::array();
    for (const auto& s : sensitivity)
        sens.push_back({{"risk_id", s.risk_id},
                        {"input", s.input},
                        {"mean_low", s.mean_low},
                        {"mean_high", s.mean_high},
                        {"p95_low", s.p95_low},
                        {"p95_high", s.p95_high},
                        {"swing", s.swing}});
    return {{"portfolio", summary(portfolio)},
            {"risks", risks_j},
            {"sensitivity", sens},
            {"years", years},
            {"seed", seed},
            {"mode", mode == Mode::kProduct ? "product" : "compound"},
            {"residual", residual},
            {"engine", engine},
            {"seconds", seconds}};
}

}  // namespace isms::quant
