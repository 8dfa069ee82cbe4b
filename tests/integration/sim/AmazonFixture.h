#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "AmazonTestClient.h"
#include "SimFixture.h"

namespace sac::sim::test {

inline const char* const kLedger = "GET_LEDGER_DETAIL_VIEW_DATA";
inline const char* const kReimbursements = "GET_FBA_REIMBURSEMENTS_DATA";
inline const char* const kReturns = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA";

/// A simulator on a free port (frozen clock at kTestNowMs, seed 7) and an Amazon client.
class AmazonFixture : public ::testing::Test {
protected:
  void SetUp() override { startWith(testConfig()); }
  void TearDown() override {
    if (server) server->stop();
  }

  void startWith(const SimConfig& c) {
    if (server) server->stop();
    server = std::make_unique<SimServer>(c);
    server->start();
    amazon = std::make_unique<AmazonTestClient>(server->port());
  }

  HttpReply armFaults(const std::string& json) const {
    return amazon->send("POST", "/_sim/amazon/faults", {}, "application/json", json);
  }
  Poco::JSON::Object::Ptr state() const { return amazon->send("GET", "/_sim/amazon/state").json(); }
  void advanceMinutes(int minutes) const {
    amazon->send("POST", "/_sim/advance", {}, "application/json",
                 "{\"minutes\":" + std::to_string(minutes) + "}");
  }

  /// Downloads `type` with a fresh token and returns the decompressed bytes; fails the
  /// test (and returns "") when the lifecycle breaks.
  std::string reportText(const std::string& type, std::string* compression = nullptr) const {
    const std::string token = amazon->accessToken();
    EXPECT_FALSE(token.empty());
    std::string comp, failure;
    const std::string raw = amazon->downloadReport(token, type, &comp, &failure);
    EXPECT_TRUE(failure.empty()) << failure;
    if (compression) *compression = comp;
    return comp == "GZIP" ? AmazonTestClient::gunzip(raw) : raw;
  }

  std::unique_ptr<SimServer> server;
  std::unique_ptr<AmazonTestClient> amazon;
};

}  // namespace sac::sim::test
