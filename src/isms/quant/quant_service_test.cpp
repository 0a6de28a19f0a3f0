#include "isms/quant/quant_service.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "isms/core/error.hpp"
#include "isms/org/organisations.hpp"
#include "isms/store/change_log.hpp"
#include "isms/store/test_support.hpp"

namespace isms::quant {
namespace {

class QuantServiceTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        db_ = store::testing_support::TempDatabase::Create(GetParam());
        if (!db_) GTEST_SKIP() << "backend not available";
        store_ = store::Store::Open(db_->url(), {.create = true, .pool_size = 2});
        store_->Migrate();
        org::OrganisationService orgs(*store_);
        a_ = Ctx(orgs.Create(Context::System(), "Org A").id);
        b_ = Ctx(orgs.Create(Context::System(), "Org B").id);
        // The risks each organisation has (the risk register's lookup in the application).
        risks_[a_.org_id] = {{"R-1", "Ransomware on payroll platform"}, {"R-2", "Supplier outage"}};
        risks_[b_.org_id] = {{"R-9", "Lost laptop"}};
        service_ = std::make_unique<QuantService>(*store_, [this](const Context& c, const std::string& id) {
            auto& m = risks_[c.org_id];
            auto it = m.find(id);
            return it == m.end() ? std::nullopt : std::optional<std::string>(it->second);
        });
    }
    static Context Ctx(const std::string& org) {
        Context c;
        c.org_id = org;
        c.actor = "user:test";
        c.role = Role::kRiskOwner;
        return c;
    }
    Json Estimate(double lambda) {
        return {{"frequency", {{"dist", "pert"}, {"min", lambda / 2}, {"mode", lambda}, {"max", lambda * 3}}},
                {"magnitude", {{"dist", "lognormal"}, {"low", 50000}, {"high", 2000000}}},
                {"treatments", {{{"name", "immutable backups"}, {"magnitude_factor", 0.4}, {"annual_cost", 20000}}}}};
    }
    std::unique_ptr<store::testing_support::TempDatabase> db_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<QuantService> service_;
    std::map<std::string, std::map<std::string, std::string>> risks_;
    Context a_, b_;
};

TEST_P(QuantServiceTest, EstimatesAreValidatedAndScopedToTheOrganisation) {
    service_->SetEstimate(a_, "R-1", Estimate(0.3));
    EXPECT_EQ(service_->ListEstimates(a_).size(), 1u);
    EXPECT_TRUE(service_->ListEstimates(b_).empty());
    EXPECT_FALSE(service_->GetEstimate(b_, "R-1"));
    // Another organisation's risk id is unknown here.
    try {
        service_->SetEstimate(b_, "R-1", Estimate(0.3));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    }
    Json bad = Estimate(0.3);
    bad["magnitude"]["high"] = 10;  // below low
    try {
        service_->SetEstimate(a_, "R-2", bad);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
        ASSERT_FALSE(e.details().empty());
        EXPECT_EQ(e.details()[0].field, "estimate.magnitude.high");
    }
    EXPECT_FALSE(service_->GetEstimate(a_, "R-2"));  // nothing half-written
}

TEST_P(QuantServiceTest, RunsAreStoredAndReproducible) {
    service_->SetEstimate(a_, "R-1", Estimate(0.3));
    service_->SetEstimate(a_, "R-2", Estimate(1.2));
    RunRequest req;
    req.options.years = 20000;
    req.options.seed = 77;
    auto run = service_->Run(a_, req);
    ASSERT_TRUE(run.result.contains("residual"));
    double inherent = run.result["inherent"]["portfolio"]["mean"].get<double>();
    double residual = run.result["residual"]["portfolio"]["mean"].get<double>();
    EXPECT_LT(residual, inherent);
    EXPECT_NEAR(run.result["treatment_value"]["reduction"].get<double>(), inherent - residual, 1e-6 * inherent);
    auto again = service_->Reproduce(a_, run.id);
    EXPECT_TRUE(again["identical"].get<bool>());
    EXPECT_EQ(service_->ListRuns(a_).size(), 1u);
    EXPECT_THROW(service_->GetRun(b_, run.id), Error);
    auto svg = QuantService::LossExceedanceSvg(run.result, "Kvarnberg");
    EXPECT_NE(svg.find("inherent"), std::string::npos);
    EXPECT_NE(svg.find("residual"), std::string::npos);
    auto v = store::VerifyLog(*store_);
    EXPECT_TRUE(v.ok) << v.problem;
}

TEST_P(QuantServiceTest, ARunOfAnEarlierEngineIsComparedInDistribution) {
    service_->SetEstimate(a_, "R-1", Estimate(0.3));
    RunRequest req;
    req.options.years = 20000;
    req.options.seed = 5;
    auto run = service_->Run(a_, req);
    EXPECT_EQ(run.result["inherent"]["engine"].get<int>(), kEngineVersion);
    // As an installation before engine version 2 stored it: no "engine", other draws of the same laws.
    auto stored_as = [&](double mean_shift_in_se) {
        Json r = run.result;
        for (auto key : {"inherent", "residual"})
            if (r.contains(key)) r[key].erase("engine");
        double se = r["inherent"]["portfolio"]["sd"].get<double>() / std::sqrt(20000.0);
        r["inherent"]["portfolio"]["mean"] = r["inherent"]["portfolio"]["mean"].get<double>() + mean_shift_in_se * se;
        store_->Write(a_, [&](store::WriteTx& tx) {
            tx.Exec("UPDATE quant_runs SET result_json = ? WHERE org_id = ? AND id = ?",
                    {store::Value(r.dump()), store::Value(a_.org_id), store::Value(run.id)});
        });
    };
    stored_as(1.0);
    auto again = service_->Reproduce(a_, run.id);
    EXPECT_FALSE(again["identical"].get<bool>());
    EXPECT_EQ(again["engine"]["run"].get<int>(), 1);
    EXPECT_EQ(again["engine"]["current"].get<int>(), kEngineVersion);
    EXPECT_TRUE(again["consistent"].get<bool>());
    EXPECT_NE(again["note"].get<std::string>().find("engine version 1"), std::string::npos);
    stored_as(12.0);
    again = service_->Reproduce(a_, run.id);
    EXPECT_FALSE(again["consistent"].get<bool>());
}

TEST_P(QuantServiceTest, ViewersMayNotChangeEstimates) {
    Context viewer = a_;
    viewer.role = Role::kViewer;
    EXPECT_THROW(service_->SetEstimate(viewer, "R-1", Estimate(0.3)), Error);
    EXPECT_NO_THROW(service_->ListEstimates(viewer));
}

INSTANTIATE_TEST_SUITE_P(Backends, QuantServiceTest, ::testing::ValuesIn(store::testing_support::Backends()),
                         [](const auto& info) { return info.param; });

TEST(QuantInlineTest, WhatIfSimulationNeedsNoStore) {
    Context c;
    c.role = Role::kViewer;
    c.actor = "user:v";
    Json body = {{"risks",
                  {{{"id", "x"},
                    {"frequency", {{"dist", "poisson"}, {"lambda", 0.5}}},
                    {"magnitude", {{"dist", "uniform"}, {"min", 100}, {"max", 200}}}}}},
                 {"options", {{"years", 5000}, {"seed", 3}}}};
    auto r = QuantService::SimulateInline(c, body);
    EXPECT_NEAR(r["inherent"]["portfolio"]["mean"].get<double>(), 75.0, 4 * std::sqrt(0.5 * 23333.3 / 5000));
    body["options"]["years"] = 0;
    EXPECT_THROW(QuantService::SimulateInline(c, body), Error);
}

}  // namespace
}  // namespace isms::quant
