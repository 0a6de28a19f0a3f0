// The FAIR reference workload (bench/fair/numpy_fair.py): R risks × N simulated years, modified-PERT
// frequency → Poisson count → lognormal (90 % CI) magnitudes → portfolio sum, then mean, percentiles and
// a loss-exceedance curve. Prints one JSON line.
//
//   isms_quant_bench --impl engine|stdlib [--risks 100] [--years 1000000] [--threads 2] [--seed 20240601]
//
// `engine` is isms::quant; `stdlib` is a plain sampler built from the C++ standard library's distributions
// (std::mt19937_64, std::gamma_distribution, std::poisson_distribution, std::lognormal_distribution), the
// floor the engine must never fall below. Peak resident memory is reported so growth with years is visible.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "isms/quant/model.hpp"

using isms::Json;
namespace q = isms::quant;

namespace {

struct Params {
    double fmin, fmode, fmax, low, high;
};
Params P(int r) {
    double mode = 0.05 * (1 + r % 10);
    double low = 1e4 * (1 + r % 7);
    return {0.5 * mode, mode, 3.0 * mode + 0.1 * (r % 3), low, low * (10 + 10 * (r % 5))};
}

long PeakRssKb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    return 0;
}

std::vector<double> StdlibPortfolio(int R, uint64_t N, uint64_t seed, int threads) {
    std::vector<std::vector<double>> partial(threads, std::vector<double>(N, 0.0));
    auto work = [&](int t) {
        for (int r = t; r < R; r += threads) {
            Params p = P(r);
            double range = p.fmax - p.fmin;
            double a = 1 + 4 * (p.fmode - p.fmin) / range, b = 1 + 4 * (p.fmax - p.fmode) / range;
            double mu = 0.5 * (std::log(p.low) + std::log(p.high));
            double sigma = (std::log(p.high) - std::log(p.low)) / (2 * q::kZ95);
            std::mt19937_64 gen(seed * 1000003 + r);
            std::gamma_distribution<double> ga(a, 1.0), gb(b, 1.0);
            std::lognormal_distribution<double> ln(mu, sigma);
            auto& out = partial[t];
            for (uint64_t y = 0; y < N; ++y) {
                double x = ga(gen), z = gb(gen);
                double lam = p.fmin + range * x / (x + z);
                std::poisson_distribution<int> po(lam);
                int k = po(gen);
                double loss = 0;
                for (int e = 0; e < k; ++e) loss += ln(gen);
                out[y] += loss;
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    for (int t = 1; t < threads; ++t)
        for (uint64_t y = 0; y < N; ++y) partial[0][y] += partial[t][y];
    return std::move(partial[0]);
}

}  // namespace

int main(int argc, char** argv) {
    std::string impl = "engine";
    int R = 100, threads = 2;
    uint64_t N = 1'000'000, seed = 20240601;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--impl") impl = v;
        else if (k == "--risks") R = std::stoi(v);
        else if (k == "--years") N = std::stoull(v);
        else if (k == "--threads") threads = std::stoi(v);
        else if (k == "--seed") seed = std::stoull(v);
        else {
            fmt::print(stderr, "unknown option {}\n", k);
            return 2;
        }
    }
    q::SimulationOptions o;
    o.years = N;
    o.seed = seed;
    o.threads = threads;
    o.lec_points = {1e5, 1e6, 5e6, 1e7, 2e7};
    auto t0 = std::chrono::steady_clock::now();
    std::vector<double> port;
    if (impl == "engine") {
        std::vector<q::RiskModel> risks;
        for (int r = 0; r < R; ++r) {
            Params p = P(r);
            risks.push_back(q::RiskModel::FromJson(
                {{"id", fmt::format("risk-{}", r)},
                 {"frequency", {{"dist", "pert"}, {"min", p.fmin}, {"mode", p.fmode}, {"max", p.fmax}}},
                 {"magnitude", {{"dist", "lognormal"}, {"low", p.low}, {"high", p.high}}}},
                "risk"));
        }
        q::SimulateAnnualLosses(risks, o, port);
    } else if (impl == "stdlib") {
        port = StdlibPortfolio(R, N, seed, threads);
    } else {
        fmt::print(stderr, "--impl engine|stdlib\n");
        return 2;
    }
    auto t1 = std::chrono::steady_clock::now();
    q::Summary s = q::Summarise(port, o);
    auto t2 = std::chrono::steady_clock::now();
    Json lec = Json::object();
    for (const auto& [x, p] : s.lec) lec[fmt::format("{:g}", x)] = p;
    Json out = {{"impl", impl},
                {"risks", R},
                {"draws", N},
                {"threads", threads},
                {"mean", s.mean},
                {"p50", s.p50},
                {"p90", s.p90},
                {"p95", s.p95},
                {"p99", s.p99},
                {"lec_exceedance", lec},
                {"sample_s", std::chrono::duration<double>(t1 - t0).count()},
                {"stats_s", std::chrono::duration<double>(t2 - t1).count()},
                {"elapsed_s", std::chrono::duration<double>(t2 - t0).count()},
                {"peak_rss_kb", PeakRssKb()}};
    fmt::print("{}\n", out.dump());
    return 0;
}
