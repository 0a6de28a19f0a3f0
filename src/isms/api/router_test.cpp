#include "isms/api/router.hpp"

#include <gtest/gtest.h>

namespace isms::api {
namespace {

TEST(RouterTest, MatchesParametersAndPrefersLiterals) {
    Router r;
    r.Add("GET", "/api/v1/views/{name}", {.summary = "one"}, [](Request&) { return Response::FromJson(1); });
    r.Add("GET", "/api/v1/views/run", {.summary = "lit"}, [](Request&) { return Response::FromJson(2); });
    auto m = r.Find("GET", "/api/v1/views/a%20b");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->params.at("name"), "a b");
    auto lit = r.Find("GET", "/api/v1/views/run");
    ASSERT_TRUE(lit);
    EXPECT_EQ(lit->route->doc.summary, "lit");
}

TEST(RouterTest, WrongMethodReportsAllowedMethods) {
    Router r;
    r.Add("GET", "/api/v1/x", {.summary = "x"}, [](Request&) { return Response::FromJson(1); });
    std::vector<std::string> allowed;
    EXPECT_FALSE(r.Find("DELETE", "/api/v1/x", &allowed));
    EXPECT_EQ(allowed, std::vector<std::string>{"GET"});
}

TEST(RouterTest, OpenApiListsEveryRouteWithPathParameters) {
    Router r;
    r.Add("GET", "/api/v1/things/{id}", {.summary = "get"}, [](Request&) { return Response::FromJson(1); });
    r.Add("DELETE", "/api/v1/things/{id}", {.summary = "del"}, [](Request&) { return Response::FromJson(1); });
    auto doc = r.OpenApi("1");
    EXPECT_EQ(doc["openapi"], "3.1.0");
    ASSERT_TRUE(doc["paths"].contains("/api/v1/things/{id}"));
    EXPECT_TRUE(doc["paths"]["/api/v1/things/{id}"].contains("get"));
    EXPECT_TRUE(doc["paths"]["/api/v1/things/{id}"].contains("delete"));
    EXPECT_EQ(doc["paths"]["/api/v1/things/{id}"]["get"]["parameters"][0]["name"], "id");
}

TEST(RequestTest, DeeplyNestedJsonIsRejected) {
    Request req;
    req.body = std::string(100, '[') + std::string(100, ']');
    EXPECT_THROW(req.JsonBody(true), std::exception);
    req.body = R"({"a": [1, 2]})";
    EXPECT_NO_THROW(req.JsonBody());
}

}  // namespace
}  // namespace isms::api
