// Statistical acceptance tests of the FAIR engine. Every test uses a fixed seed, so results are
// deterministic; tolerances are stated in standard errors of the quantity tested.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <random>

#include "isms/core/error.hpp"
#include "isms/quant/distribution.hpp"
#include "isms/quant/kernels.hpp"
#include "isms/quant/model.hpp"
#include "isms/quant/random.hpp"

namespace isms::quant {
namespace {

Json LoadJson(const std::string& rel) {
    std::ifstream in(std::string(ISMS_SOURCE_DIR) + "/" + rel);
    return Json::parse(in);
}

// Kolmogorov–Smirnov statistic of a sample against a CDF.
template <class Cdf>
double KsStatistic(std::vector<double> x, Cdf cdf) {
    std::sort(x.begin(), x.end());
    double n = static_cast<double>(x.size()), d = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        double f = cdf(x[i]);
        d = std::max({d, f - i / n, (i + 1) / n - f});
    }
    return d;
}
// Critical value at α = 0.001 (asymptotic): a correct sampler fails this 1 time in 1000 seeds.
double KsCritical(size_t n) { return 1.9495 / std::sqrt(static_cast<double>(n)); }

constexpr size_t kN = 200000;

std::vector<double> Draw(const Distribution& d, uint64_t seed, size_t n = kN) {
    Stream s(seed, 1, 0);
    std::vector<double> v(n);
    for (auto& x : v) x = d.Sample(s);
    return v;
}

TEST(RandomTest, ZigguratNormalPassesKs) {
    Stream s(7, 1, 0);
    std::vector<double> v(kN);
    for (auto& x : v) x = s.Normal();
    double d = KsStatistic(v, [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); });
    EXPECT_LT(d, KsCritical(kN));
    double mean = std::accumulate(v.begin(), v.end(), 0.0) / kN;
    EXPECT_NEAR(mean, 0.0, 4.0 / std::sqrt(kN));
}

TEST(RandomTest, ZigguratTailIsReached) {
    Stream s(11, 1, 0);
    int beyond = 0;
    const int n = 2000000;
    for (int i = 0; i < n; ++i) beyond += std::fabs(s.Normal()) > 3.6541528853610088;
    // P(|Z| > R) = 2.58e-4 → about 516 expected; 4 sd ≈ 91.
    EXPECT_NEAR(beyond, 2.58e-4 * n, 4 * std::sqrt(2.58e-4 * n));
}

TEST(RandomTest, StreamsDependOnlyOnSeedKeyAndBlock) {
    Stream a(1, StreamKey("r1"), 3), b(1, StreamKey("r1"), 3), c(1, StreamKey("r1"), 4), d(1, StreamKey("r2"), 3);
    uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    EXPECT_NE(x, c.Next());
    EXPECT_NE(x, d.Next());
}

TEST(DistributionTest, EveryContinuousDistributionPassesKsAgainstItsExactCdf) {
    const Json ref = LoadJson("tests/data/quant/scenarios.json");
    int checked = 0;
    for (const auto& m : ref["marginals"]) {
        if (m["dist"] == "poisson") continue;
        Json spec = m;  // the reference file's names (pert_modified, lognormal_ci90) are accepted aliases
        Distribution d = Distribution::FromJson(spec, "marginal");
        auto v = Draw(d, 42);
        double ks = KsStatistic(v, [&](double x) { return d.Cdf(x); });
        EXPECT_LT(ks, KsCritical(kN)) << spec.dump();
        // The analytic mean of the reference file, within 4 standard errors.
        double mean = std::accumulate(v.begin(), v.end(), 0.0) / kN;
        EXPECT_NEAR(mean, m["mean"].get<double>(), 4 * std::sqrt(d.Variance() / kN)) << spec.dump();
        ++checked;
    }
    EXPECT_EQ(checked, 4);  // pert, triangular, uniform, lognormal
}

// The engine draws in batches (Distribution::SampleBatch and the Stream's batch samplers, vectorised kernels
// underneath): the same laws must hold there, for every batch size (full batches and odd remainders).
std::vector<double> DrawBatches(const Distribution& d, uint64_t seed, size_t n = kN) {
    Stream s(seed, 2, 0);
    std::vector<double> v(n);
    const size_t sizes[] = {Stream::kBatch, 1000, 7, 1, 333};
    for (size_t i = 0, k = 0; i < n; ++k) {
        size_t m = std::min(sizes[k % 5], n - i);
        d.SampleBatch(s, v.data() + i, m);
        i += m;
    }
    return v;
}

TEST(DistributionTest, BatchesOfEveryDistributionPassKsAgainstTheExactCdf) {
    const Json ref = LoadJson("tests/data/quant/scenarios.json");
    int checked = 0;
    for (const auto& m : ref["marginals"]) {
        if (m["dist"] == "poisson") continue;
        Distribution d = Distribution::FromJson(m, "marginal");
        auto v = DrawBatches(d, 43);
        EXPECT_LT(KsStatistic(v, [&](double x) { return d.Cdf(x); }), KsCritical(kN)) << m.dump();
        double mean = std::accumulate(v.begin(), v.end(), 0.0) / kN;
        EXPECT_NEAR(mean, m["mean"].get<double>(), 4 * std::sqrt(d.Variance() / kN)) << m.dump();
        ++checked;
    }
    EXPECT_EQ(checked, 4);
    // PERT shapes near 1 and large (the gamma squeeze's open cases differ), and pyfair's classic PERT.
    for (const Json& j : {Json{{"dist", "pert"}, {"min", 0}, {"mode", 0}, {"max", 1}},
                          Json{{"dist", "pert"}, {"min", 0}, {"mode", 0.5}, {"max", 1}, {"gamma", 200}},
                          Json{{"dist", "pert_classic"}, {"min", 20}, {"mode", 100}, {"max", 900}}}) {
        Distribution d = Distribution::FromJson(j, "f");
        auto v = DrawBatches(d, 44);
        EXPECT_LT(KsStatistic(v, [&](double x) { return d.Cdf(x); }), KsCritical(kN)) << j.dump();
    }
    // A constant and a degenerate PERT fill the batch with the value.
    auto c = DrawBatches(Distribution::FromJson({{"dist", "pert"}, {"min", 3}, {"mode", 3}, {"max", 3}}, "f"), 1, 2000);
    EXPECT_TRUE(std::all_of(c.begin(), c.end(), [](double x) { return x == 3; }));
}

TEST(RandomTest, BatchNormalsPassKsAndReachTheTail) {
    Stream s(12, 1, 0);
    const size_t n = 2'000'000;
    std::vector<double> v(n);
    for (size_t i = 0; i < n; i += Stream::kBatch) s.Normals(v.data() + i, std::min(Stream::kBatch, n - i));
    EXPECT_LT(KsStatistic(v, [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }), KsCritical(n));
    double beyond = static_cast<double>(std::count_if(v.begin(), v.end(), [](double x) { return std::fabs(x) > 3.6541528853610088; }));
    EXPECT_NEAR(beyond, 2.58e-4 * n, 4 * std::sqrt(2.58e-4 * n));
    double neg = static_cast<double>(std::count_if(v.begin(), v.end(), [](double x) { return x < 0; }));
    EXPECT_NEAR(neg, 0.5 * n, 4 * std::sqrt(0.25 * n));
}

TEST(RandomTest, BatchPoissonMatchesItsCdfForMixedRatesInOneBatch) {
    // One batch may hold any rates: zero, small (inversion), at least four events, and large (PTRS).
    const std::vector<double> rates = {0.0, 0.05, 0.7, 3.5, 9.9, 10.0, 47.0, 1000.0};
    const size_t per_rate = 100'000;
    std::vector<std::vector<uint64_t>> got(rates.size());
    Stream s(98, StreamKey("poisson-batch"), 0);
    std::vector<double> lam(Stream::kBatch);
    std::vector<uint64_t> k(Stream::kBatch);
    for (size_t i = 0; i < Stream::kBatch; ++i) lam[i] = rates[i % rates.size()];
    while (got[0].size() < per_rate) {
        s.Poissons(lam.data(), k.data(), Stream::kBatch);
        for (size_t i = 0; i < Stream::kBatch; ++i) got[i % rates.size()].push_back(k[i]);
    }
    for (size_t r = 0; r < rates.size(); ++r) {
        auto& v = got[r];
        const double lambda = rates[r];
        const double n = static_cast<double>(v.size());
        if (lambda == 0) {
            EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](uint64_t x) { return x == 0; }));
            continue;
        }
        std::sort(v.begin(), v.end());
        double d = 0, cdf = 0, logpmf = -lambda;
        size_t idx = 0;
        uint64_t hi = static_cast<uint64_t>(lambda + 12 * std::sqrt(lambda) + 20);
        for (uint64_t x = 0; x <= hi; ++x) {
            if (x > 0) logpmf += std::log(lambda) - std::log(static_cast<double>(x));
            cdf += std::exp(logpmf);
            while (idx < v.size() && v[idx] <= x) ++idx;
            d = std::max(d, std::fabs(static_cast<double>(idx) / n - cdf));
        }
        EXPECT_LT(d, KsCritical(v.size())) << "lambda " << lambda;
    }
}

TEST(KernelsTest, ExpAndLogAgreeWithTheMathLibrary) {
    std::mt19937_64 g(5);
    std::vector<double> x(200'000);
    for (auto& t : x) t = std::uniform_real_distribution<double>(-708, 709)(g);
    x[0] = 0;
    x[1] = -1e-300;
    auto e = x;
    kernels::ExpInPlace(e.data(), e.size());
    for (size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(e[i], std::exp(x[i]), 1e-15 * std::exp(x[i])) << x[i];
    std::vector<double> y(200'000);
    for (auto& t : y) t = std::exp(std::uniform_real_distribution<double>(-700, 700)(g));
    y[0] = 1;
    y[1] = 0x1.0p-53;  // the smallest open uniform
    y[2] = std::sqrt(0.5);
    y[3] = std::sqrt(2.0);
    y[4] = std::nextafter(1.0, 0.0);
    auto l = y;
    kernels::LogInPlace(l.data(), l.size());
    for (size_t i = 0; i < y.size(); ++i)
        ASSERT_NEAR(l[i], std::log(y[i]), 1e-15 * std::max(1.0, std::fabs(std::log(y[i])))) << y[i];
}

TEST(KernelsTest, AddToPortfolioAddsAndCountsEveryValue) {
    std::vector<double> loss = {0, 1, 2, 0, 4, 5, 0}, port(7, 10.0);
    double sum = -1, sq = -1;
    uint64_t zeros = 99;
    kernels::AddToPortfolio(loss.data(), port.data(), loss.size(), sum, sq, zeros);
    EXPECT_EQ(port, (std::vector<double>{10, 11, 12, 10, 14, 15, 10}));
    EXPECT_EQ(sum, 12);
    EXPECT_EQ(sq, 46);
    EXPECT_EQ(zeros, 3u);
}

TEST(DistributionTest, PyfairClassicPertPassesKs) {
    Distribution d = Distribution::FromJson({{"dist", "pert_classic"}, {"min", 20}, {"mode", 100}, {"max", 900}}, "f");
    EXPECT_NEAR(d.p1, 1.2096168294515401, 1e-12);
    EXPECT_NEAR(d.p2, 4.112697220135237, 1e-12);
    auto v = Draw(d, 5);
    EXPECT_LT(KsStatistic(v, [&](double x) { return d.Cdf(x); }), KsCritical(kN));
}

TEST(DistributionTest, PoissonMatchesItsCdfAtEveryInteger) {
    for (double lambda : {0.05, 0.7, 3.5, 9.9, 10.0, 47.0, 1000.0}) {
        Stream s(99, StreamKey("poisson"), static_cast<uint64_t>(lambda * 100));
        std::vector<uint64_t> v(kN);
        for (auto& x : v) x = s.Poisson(lambda);
        std::sort(v.begin(), v.end());
        // Discrete KS: compare empirical and exact CDF at each integer (conservative for discrete laws).
        double d = 0, cdf = 0, pmf = std::exp(-lambda);
        double logpmf = -lambda;
        size_t idx = 0;
        uint64_t hi = static_cast<uint64_t>(lambda + 12 * std::sqrt(lambda) + 20);
        for (uint64_t k = 0; k <= hi; ++k) {
            if (k > 0) logpmf += std::log(lambda) - std::log(static_cast<double>(k));
            pmf = std::exp(logpmf);
            cdf += pmf;
            while (idx < v.size() && v[idx] <= k) ++idx;
            d = std::max(d, std::fabs(static_cast<double>(idx) / kN - cdf));
        }
        EXPECT_LT(d, KsCritical(kN)) << "lambda " << lambda;
        double mean = std::accumulate(v.begin(), v.end(), 0.0) / kN;
        EXPECT_NEAR(mean, lambda, 4 * std::sqrt(lambda / kN)) << "lambda " << lambda;
    }
}

TEST(DistributionTest, LognormalPercentilesLandOnTheInterval) {
    Distribution d = Distribution::FromJson({{"dist", "lognormal"}, {"low", 1000}, {"high", 100000}}, "m");
    EXPECT_NEAR(d.Cdf(1000), 0.05, 1e-12);
    EXPECT_NEAR(d.Cdf(100000), 0.95, 1e-12);
    auto v = Draw(d, 8);
    std::sort(v.begin(), v.end());
    // The empirical CDF at the inputs: binomial standard error sqrt(p(1-p)/n).
    double se = std::sqrt(0.05 * 0.95 / kN);
    double below_low = static_cast<double>(std::lower_bound(v.begin(), v.end(), 1000.0) - v.begin()) / kN;
    double below_high = static_cast<double>(std::lower_bound(v.begin(), v.end(), 100000.0) - v.begin()) / kN;
    EXPECT_NEAR(below_low, 0.05, 4 * se);
    EXPECT_NEAR(below_high, 0.95, 4 * se);
}

TEST(DistributionTest, ImpossibleInputsAreRejectedNamingTheField) {
    auto expect_field = [](const Json& j, const std::string& field) {
        try {
            Distribution::FromJson(j, "frequency");
            FAIL() << j.dump();
        } catch (const Error& e) {
            ASSERT_FALSE(e.details().empty());
            EXPECT_EQ(e.details()[0].field, field) << e.what();
        }
    };
    expect_field({{"dist", "lognormal"}, {"low", 100}, {"high", 100}}, "frequency.high");
    expect_field({{"dist", "lognormal"}, {"low", 200}, {"high", 100}}, "frequency.high");
    expect_field({{"dist", "lognormal"}, {"low", -1}, {"high", 100}}, "frequency.low");
    expect_field({{"dist", "pert"}, {"min", -5}, {"mode", 1}, {"max", 2}}, "frequency.min");
    expect_field({{"dist", "pert"}, {"min", 1}, {"mode", 3}, {"max", 2}}, "frequency.max");
    expect_field({{"dist", "uniform"}, {"min", 3}, {"max", 2}}, "frequency.max");
    expect_field({{"dist", "constant"}, {"value", -3}}, "frequency.value");
    expect_field({{"dist", "gaussian"}}, "frequency.dist");
    expect_field({{"dist", "pert"}, {"min", 1}, {"mode", "x"}, {"max", 2}}, "frequency.mode");
}

RiskModel Model(const Json& j) { return RiskModel::FromJson(j, "risk"); }

SimulationOptions Opts(uint64_t years, uint64_t seed = 20240601) {
    SimulationOptions o;
    o.years = years;
    o.seed = seed;
    o.threads = 2;
    return o;
}

// Scenario means within four standard errors computed from the ANALYTIC variance.
TEST(ScenarioTest, MeansAndNoLossProbabilitiesMatchTheAnalyticValues) {
    const Json ref = LoadJson("tests/data/quant/scenarios.json");
    const Json& sc = ref["scenarios"];
    const uint64_t n = 1'000'000;
    {
        const Json& s1 = sc[0];
        auto r = Model({{"id", "s1"},
                        {"frequency", {{"dist", "poisson"}, {"lambda", s1["frequency"]["lambda"]}}},
                        {"magnitude", {{"dist", "lognormal"}, {"low", 100000}, {"high", 1000000}}}});
        auto res = Simulate({r}, Opts(n));
        double se = std::sqrt(s1["analytic"]["variance"].get<double>() / n);
        EXPECT_NEAR(res.portfolio.mean, s1["analytic"]["mean"].get<double>(), 4 * se);
        double p0 = s1["analytic"]["p_zero"].get<double>();
        EXPECT_NEAR(res.portfolio.p_zero, p0, 4 * std::sqrt(p0 * (1 - p0) / n));
    }
    {
        const Json& s2 = sc[1];
        auto r = Model({{"id", "s2"},
                        {"frequency", {{"dist", "pert"}, {"min", 0.1}, {"mode", 0.3}, {"max", 0.7}, {"gamma", 4}}},
                        {"magnitude", {{"dist", "lognormal"}, {"low", 10000}, {"high", 100000}}}});
        auto res = Simulate({r}, Opts(n));
        double se = std::sqrt(s2["analytic"]["variance"].get<double>() / n);
        EXPECT_NEAR(res.portfolio.mean, s2["analytic"]["mean"].get<double>(), 4 * se);
        double p0 = s2["analytic"]["p_zero"].get<double>();
        EXPECT_NEAR(res.portfolio.p_zero, p0, 4 * std::sqrt(p0 * (1 - p0) / n));
        EXPECT_NEAR(r.AnalyticMean(), s2["analytic"]["mean"].get<double>(), 1e-6 * s2["analytic"]["mean"].get<double>());
    }
    {
        const Json& s3 = sc[2];
        auto r = Model({{"id", "s3"},
                        {"frequency", {{"dist", "pert_classic"}, {"min", 20}, {"mode", 100}, {"max", 900}}},
                        {"primary", {{"dist", "pert_classic"}, {"min", 3e6}, {"mode", 3.5e6}, {"max", 5e6}}},
                        {"secondary", {{"probability", 1.0}, {"magnitude", 3.5e6}}}});
        auto o = Opts(n);
        o.mode = Mode::kProduct;
        auto res = Simulate({r}, o);
        double se = std::sqrt(s3["analytic"]["variance"].get<double>() / n);
        EXPECT_NEAR(res.portfolio.mean, s3["analytic"]["mean"].get<double>(), 4 * se);
        EXPECT_EQ(res.portfolio.p_zero, 0.0);
    }
}

std::vector<RiskModel> Portfolio(int R) {
    // The reference workload of bench/fair/numpy_fair.py: parameters are a closed formula of r.
    std::vector<RiskModel> out;
    for (int r = 0; r < R; ++r) {
        double mode = 0.05 * (1 + r % 10);
        double lo = 0.5 * mode, hi = 3.0 * mode + 0.1 * (r % 3);
        double low = 1e4 * (1 + r % 7), high = low * (10 + 10 * (r % 5));
        out.push_back(Model({{"id", "risk-" + std::to_string(r)},
                             {"frequency", {{"dist", "pert"}, {"min", lo}, {"mode", mode}, {"max", hi}}},
                             {"magnitude", {{"dist", "lognormal"}, {"low", low}, {"high", high}}}}));
    }
    return out;
}

TEST(PortfolioTest, PercentilesWithinOnePercentOfTheNumpyBaseline) {
    // tests/data/quant/numpy_R100_N1e6.json was produced by bench/fair/numpy_fair.py --risks 100 --draws 1000000.
    Json ref = LoadJson("tests/data/quant/numpy_R100_N1e6.json");
    auto res = Simulate(Portfolio(100), Opts(1'000'000));
    for (const char* k : {"mean", "p50", "p90", "p95", "p99"}) {
        double want = ref[k].get<double>();
        double got = k == std::string("mean") ? res.portfolio.mean
                     : k == std::string("p50") ? res.portfolio.p50
                     : k == std::string("p90") ? res.portfolio.p90
                     : k == std::string("p95") ? res.portfolio.p95
                                               : res.portfolio.p99;
        EXPECT_NEAR(got, want, 0.01 * want) << k;
    }
    // And the analytic mean within four standard errors.
    double se = ref["analytic_sd"].get<double>() / std::sqrt(1e6);
    EXPECT_NEAR(res.portfolio.mean, ref["analytic_mean"].get<double>(), 4 * se);
}

TEST(PortfolioTest, IdenticalForAnyThreadCountAndRiskOrder) {
    auto risks = Portfolio(12);
    std::vector<double> one, two, eight, shuffled;
    auto o = Opts(100'000, 3);
    o.threads = 1;
    SimulateAnnualLosses(risks, o, one);
    o.threads = 2;
    SimulateAnnualLosses(risks, o, two);
    o.threads = 8;
    SimulateAnnualLosses(risks, o, eight);
    std::mt19937 g(1);
    std::shuffle(risks.begin(), risks.end(), g);
    SimulateAnnualLosses(risks, o, shuffled);
    EXPECT_TRUE(one == two);
    EXPECT_TRUE(one == eight);
    EXPECT_TRUE(one == shuffled);
}

TEST(PortfolioTest, IndependentRisksAreUncorrelated) {
    auto risks = Portfolio(2);
    const uint64_t n = 400'000;
    std::vector<double> a, b;
    SimulateAnnualLosses({risks[0]}, Opts(n), a);
    SimulateAnnualLosses({risks[1]}, Opts(n), b);
    double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (uint64_t i = 0; i < n; ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    double corr = sab / std::sqrt(saa * sbb);
    EXPECT_LT(std::fabs(corr), 4.0 / std::sqrt(static_cast<double>(n)));
}

TEST(PortfolioTest, DegenerateInputsAreHandled) {
    // min = mode = max: a constant rate.
    auto fixed = Model({{"id", "c"},
                        {"frequency", {{"dist", "pert"}, {"min", 2}, {"mode", 2}, {"max", 2}}},
                        {"magnitude", {{"dist", "triangular"}, {"min", 5}, {"mode", 5}, {"max", 5}}}});
    auto res = Simulate({fixed}, Opts(200'000));
    EXPECT_NEAR(res.portfolio.mean, 10.0, 4 * std::sqrt(2 * 25.0 / 200000));
    // Rate 0: never a loss.
    auto never = Model({{"id", "z"}, {"frequency", 0}, {"magnitude", {{"dist", "lognormal"}, {"low", 1}, {"high", 2}}}});
    res = Simulate({never}, Opts(10'000));
    EXPECT_EQ(res.portfolio.p_zero, 1.0);
    EXPECT_EQ(res.portfolio.max, 0.0);
    // A very large rate (PTRS path) with a constant magnitude: exactly K·value, mean λ·value.
    auto many = Model({{"id", "m"}, {"frequency", {{"dist", "poisson"}, {"lambda", 1e6}}}, {"magnitude", 1.0}});
    res = Simulate({many}, Opts(20'000));
    EXPECT_NEAR(res.portfolio.mean, 1e6, 4 * std::sqrt(1e6 / 20000));
    // A very large rate with a random magnitude takes the normal approximation of the sum (K > 10,000):
    // mean λ·E[X], variance λ·E[X²].
    auto huge = Model({{"id", "h"},
                       {"frequency", {{"dist", "poisson"}, {"lambda", 1e5}}},
                       {"magnitude", {{"dist", "uniform"}, {"min", 0}, {"max", 2}}}});
    res = Simulate({huge}, Opts(20'000));
    EXPECT_NEAR(res.portfolio.mean, 1e5, 4 * std::sqrt(1e5 * (4.0 / 3.0) / 20000));
    EXPECT_NEAR(res.portfolio.sd, std::sqrt(1e5 * (4.0 / 3.0)), 0.05 * std::sqrt(1e5 * (4.0 / 3.0)));
}

TEST(PortfolioTest, TreatmentEffectsReduceExpectedLoss) {
    auto r = Model({{"id", "t"},
                    {"frequency", {{"dist", "poisson"}, {"lambda", 2.0}}},
                    {"magnitude", {{"dist", "uniform"}, {"min", 100}, {"max", 300}}},
                    {"treatments", {{{"name", "mfa"}, {"frequency_factor", 0.5}, {"annual_cost", 10}}}}});
    auto o = Opts(400'000);
    auto inherent = Simulate({r}, o);
    o.residual = true;
    auto residual = Simulate({r}, o);
    EXPECT_NEAR(inherent.portfolio.mean, 400.0, 4 * std::sqrt(2.0 * (200.0 * 200 + 40000.0 / 12) / 400000));
    EXPECT_NEAR(residual.portfolio.mean, 200.0, 4 * std::sqrt(1.0 * (200.0 * 200 + 40000.0 / 12) / 400000));
}

TEST(PortfolioTest, FairDecompositionThinsThreatEvents) {
    // TCap ~ U(0, 100), RS constant 75 → P(TCap > RS) = 0.25: LEF = 4 × 0.25 = 1 per year.
    auto r = Model({{"id", "d"},
                    {"decomposition",
                     {{"tef", {{"dist", "poisson"}, {"lambda", 4.0}}},
                      {"tcap", {{"dist", "uniform"}, {"min", 0}, {"max", 100}}},
                      {"rs", 75}}},
                    {"magnitude", 1000}});
    auto res = Simulate({r}, Opts(200'000));
    EXPECT_NEAR(res.portfolio.mean, 1000.0, 4 * std::sqrt(1.0 * 1e6 / 200000));
    EXPECT_NEAR(res.portfolio.p_zero, std::exp(-1.0), 4 * std::sqrt(0.37 * 0.63 / 200000));
}

TEST(PortfolioTest, SensitivityRanksTheInputThatMovesTheTail) {
    auto big = Model({{"id", "big"},
                      {"frequency", {{"dist", "poisson"}, {"lambda", 1.0}}},
                      {"magnitude", {{"dist", "lognormal"}, {"low", 1e5}, {"high", 1e7}}}});
    auto small = Model({{"id", "small"},
                        {"frequency", {{"dist", "poisson"}, {"lambda", 1.0}}},
                        {"magnitude", {{"dist", "lognormal"}, {"low", 1e2}, {"high", 1e3}}}});
    auto o = Opts(50'000);
    o.sensitivity = true;
    auto res = Simulate({small, big}, o);
    ASSERT_EQ(res.sensitivity.size(), 4u);
    EXPECT_EQ(res.sensitivity[0].risk_id, "big");
    EXPECT_GT(res.sensitivity[0].p95_high, res.sensitivity[0].p95_low);
    EXPECT_EQ(res.risks[0].id, "big");
}

TEST(PortfolioTest, BadRunsAreRejected) {
    EXPECT_THROW(Simulate({}, Opts(10)), Error);
    auto r = Portfolio(1);
    EXPECT_THROW(Simulate(r, Opts(0)), Error);
    r.push_back(r[0]);
    EXPECT_THROW(Simulate(r, Opts(10)), Error);
}

TEST(SummaryTest, PercentilesInterpolateLikeNumpy) {
    std::vector<double> v = {4, 1, 3, 2};
    SimulationOptions o;
    o.lec_auto_points = 0;
    o.lec_points = {2.5};
    auto s = Summarise(v, o);
    EXPECT_DOUBLE_EQ(s.p50, 2.5);
    EXPECT_DOUBLE_EQ(s.p90, 3.7);
    ASSERT_EQ(s.lec.size(), 1u);
    EXPECT_DOUBLE_EQ(s.lec[0].second, 0.5);
}

}  // namespace
}  // namespace isms::quant
