#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "IopTestClient.h"
#include "sac/sim/PacificTime.h"
#include "sac/sim/SimServer.h"

namespace sac::sim::test {

/// 2025-06-15 12:00:00 UTC: the frozen simulator clock and population anchor of the tests.
inline constexpr std::int64_t kTestNowMs = 1749988800000LL;

inline SimConfig testConfig(std::uint32_t disputes = 120, std::uint64_t seed = 7) {
  SimConfig c;
  c.port = 0;
  c.seed = seed;
  c.disputes = disputes;
  c.anchor_ms = kTestNowMs;
  c.fixed_now_ms = kTestNowMs;
  return c;
}

/// A simulator started in-process on a free port, and a client using its clock.
class SimFixture : public ::testing::Test {
protected:
  void SetUp() override { startWith(testConfig()); }
  void TearDown() override {
    if (server) server->stop();
  }

  void startWith(const SimConfig& c) {
    if (server) server->stop();
    server = std::make_unique<SimServer>(c);
    server->start();
    SimServer* s = server.get();
    client = std::make_unique<IopTestClient>(s->port(), c.stores[0].app_key, c.stores[0].app_secret,
                                             [s] { return s->clock().nowMs(); });
  }

  static std::string errorCode(const Reply& r) {
    const auto j = r.json();
    if (!j) return "<not json: " + r.body.substr(0, 200) + ">";
    if (j->has("error_response"))
      return j->getObject("error_response")->get("code").convert<std::string>();
    if (j->has("code")) return j->getValue<std::string>("code");
    return "<no error>";
  }
  static std::string subCode(const Reply& r) {
    const auto j = r.json();
    if (!j || !j->has("error_response")) return "";
    const auto e = j->getObject("error_response");
    return e->has("sub_code") ? e->getValue<std::string>("sub_code") : "";
  }
  static Poco::JSON::Object::Ptr responseOf(const Reply& r, const std::string& method) {
    const auto j = r.json();
    if (!j) return nullptr;
    std::string key = method;
    for (auto& c : key)
      if (c == '.') c = '_';
    return j->getObject(key + "_response");
  }

  static constexpr const char* kToken = "demo-access-token";
  std::unique_ptr<SimServer> server;
  std::unique_ptr<IopTestClient> client;
};

}  // namespace sac::sim::test
