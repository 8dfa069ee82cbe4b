#include "AmazonFixture.h"

using namespace sac::sim;
using namespace sac::sim::test;

namespace {

class AmazonReports : public AmazonFixture {
protected:
  void SetUp() override {
    AmazonFixture::SetUp();
    token = amazon->accessToken();
    ASSERT_FALSE(token.empty());
  }
  std::string createId(const std::string& type) {
    const HttpReply r = amazon->createReportOfType(token, type);
    EXPECT_EQ(r.status, 202) << r.body;
    const auto j = r.json();
    return j && j->has("reportId") ? j->getValue<std::string>("reportId") : "";
  }
  std::string status(const std::string& id) {
    const auto j = amazon->getReport(token, id).json();
    return j ? j->getValue<std::string>("processingStatus") : "<no json>";
  }
  Poco::JSON::Object::Ptr finished(const std::string& type) {
    std::string failure;
    const auto r = amazon->runReport(
        token, R"({"reportType":")" + type + R"(","marketplaceIds":["ATVPDKIKX0DER"]})", &failure);
    EXPECT_TRUE(r) << failure;
    return r;
  }
  std::string token;
};

}  // namespace

TEST_F(AmazonReports, LifecycleCreatePollDocumentDownload) {
  const HttpReply created = amazon->createReport(
      token,
      R"({"reportType":"GET_LEDGER_DETAIL_VIEW_DATA","marketplaceIds":["ATVPDKIKX0DER"],)"
      R"("dataStartTime":"2025-01-01T00:00:00Z","dataEndTime":"2025-06-01T00:00:00.000Z"})");
  ASSERT_EQ(created.status, 202) << created.body;
  EXPECT_EQ(created.headers.count("x-amzn-requestid"), 1U);
  const std::string id = created.json()->getValue<std::string>("reportId");

  auto first = amazon->getReport(token, id).json();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->getValue<std::string>("processingStatus"), "IN_QUEUE");
  EXPECT_EQ(first->getValue<std::string>("reportId"), id);
  EXPECT_EQ(first->getValue<std::string>("reportType"), kLedger);
  EXPECT_EQ(first->getValue<std::string>("createdTime"), "2025-06-15T12:00:00+00:00");
  EXPECT_EQ(first->getValue<std::string>("dataStartTime"), "2025-01-01T00:00:00+00:00");
  EXPECT_EQ(first->getValue<std::string>("dataEndTime"), "2025-06-01T00:00:00+00:00");
  EXPECT_EQ(first->getArray("marketplaceIds")->getElement<std::string>(0), "ATVPDKIKX0DER");
  EXPECT_FALSE(first->has("reportDocumentId"));
  EXPECT_FALSE(first->has("processingStartTime"));

  auto second = amazon->getReport(token, id).json();
  EXPECT_EQ(second->getValue<std::string>("processingStatus"), "IN_PROGRESS");
  EXPECT_TRUE(second->has("processingStartTime"));
  EXPECT_FALSE(second->has("reportDocumentId"));

  auto done = amazon->getReport(token, id).json();
  ASSERT_EQ(done->getValue<std::string>("processingStatus"), "DONE");
  EXPECT_TRUE(done->has("processingEndTime"));
  const std::string doc_id = done->getValue<std::string>("reportDocumentId");
  EXPECT_EQ(doc_id.rfind("amzn1.spdoc.", 0), 0U) << doc_id;
  // Further polls keep answering DONE with the same document.
  EXPECT_EQ(amazon->getReport(token, id).json()->getValue<std::string>("reportDocumentId"), doc_id);

  const HttpReply doc = amazon->getDocument(token, doc_id);
  ASSERT_EQ(doc.status, 200) << doc.body;
  const auto dj = doc.json();
  EXPECT_EQ(dj->getValue<std::string>("reportDocumentId"), doc_id);
  EXPECT_EQ(dj->getValue<std::string>("compressionAlgorithm"), "GZIP");
  const std::string url = dj->getValue<std::string>("url");
  EXPECT_EQ(url.rfind(server->baseUrl() + "/_sim/amazon/documents/", 0), 0U) << url;

  const HttpReply file = amazon->fetchUrl(url);
  ASSERT_EQ(file.status, 200);
  ASSERT_GE(file.body.size(), 2U);
  EXPECT_EQ(static_cast<unsigned char>(file.body[0]), 0x1F);
  EXPECT_EQ(static_cast<unsigned char>(file.body[1]), 0x8B);
  const auto rows = AmazonTestClient::parseTsv(AmazonTestClient::gunzip(file.body));
  ASSERT_GT(rows.size(), 2U);
  // Only rows of the requested window (dates are MM/DD/YYYY, US Pacific).
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].size() == 1 && rows[i][0].empty()) continue;
    const std::string& date = rows[i][0];
    ASSERT_EQ(date.size(), 10U);
    const std::string ymd = date.substr(6, 4) + date.substr(0, 2) + date.substr(3, 2);
    EXPECT_GE(ymd, "20241231") << date;
    EXPECT_LE(ymd, "20250601") << date;
  }
}

TEST_F(AmazonReports, TokenIsRequired) {
  for (const std::string& bad : {std::string(), std::string("Atza|not-issued")}) {
    const HttpReply r = amazon->createReport(
        bad, R"({"reportType":"GET_LEDGER_DETAIL_VIEW_DATA","marketplaceIds":["ATVPDKIKX0DER"]})");
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.body,
              R"({"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":""}]})");
  }
  const HttpReply no_header = amazon->send("GET", "/reports/2021-06-30/reports/1");
  EXPECT_EQ(no_header.status, 403);
  EXPECT_EQ(no_header.spError("code"), "Unauthorized");
  EXPECT_EQ(amazon->send("GET", "/reports/2021-06-30/documents/x").status, 403);
}

TEST_F(AmazonReports, InvalidInputIsRefused) {
  auto code = [&](const std::string& body) {
    const HttpReply r = amazon->createReport(token, body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    return r.spError("code");
  };
  EXPECT_EQ(code(R"({"reportType":"GET_NOT_A_REPORT","marketplaceIds":["ATVPDKIKX0DER"]})"),
            "InvalidInput");
  EXPECT_EQ(code(R"({"marketplaceIds":["ATVPDKIKX0DER"]})"), "InvalidInput");
  EXPECT_EQ(code(R"({"reportType":"GET_LEDGER_DETAIL_VIEW_DATA"})"), "InvalidInput");
  EXPECT_EQ(code(R"({"reportType":"GET_LEDGER_DETAIL_VIEW_DATA","marketplaceIds":[]})"),
            "InvalidInput");
  EXPECT_EQ(code(R"({"reportType":"GET_LEDGER_DETAIL_VIEW_DATA","marketplaceIds":["A1PA6795UKMFR9"]})"),
            "InvalidInput");
  EXPECT_EQ(code(R"({"reportType":"GET_LEDGER_DETAIL_VIEW_DATA","marketplaceIds":["ATVPDKIKX0DER"],"dataStartTime":"15/06/2025"})"),
            "InvalidInput");
  EXPECT_EQ(code(R"({"reportType":"GET_LEDGER_DETAIL_VIEW_DATA","marketplaceIds":["ATVPDKIKX0DER"],"dataStartTime":"2025-05-01T00:00:00Z","dataEndTime":"2025-04-01T00:00:00Z"})"),
            "InvalidInput");
  EXPECT_EQ(code("not json"), "InvalidInput");
  const HttpReply missing = amazon->getReport(token, "99999");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.spError("code"), "NotFound");
  EXPECT_EQ(amazon->getDocument(token, "amzn1.spdoc.1.4.na.nope").status, 404);
}

TEST_F(AmazonReports, QuotaExceededForTheNextCalls) {
  ASSERT_EQ(armFaults(R"({"quota_exceeded":2})").status, 200);
  // A refused (unauthorised) call does not consume the fault.
  EXPECT_EQ(amazon->createReportOfType("Atza|forged", kLedger).status, 403);
  for (int i = 0; i < 2; ++i) {
    const HttpReply r = amazon->createReportOfType(token, kLedger);
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.spError("code"), "QuotaExceeded");
    EXPECT_EQ(r.spError("message"), "You exceeded your quota for the requested resource.");
  }
  EXPECT_EQ(amazon->createReportOfType(token, kLedger).status, 202);
  const auto st = state();
  EXPECT_EQ(st->getObject("faults_served")->getValue<int>("quota_exceeded"), 2);
  EXPECT_EQ(st->getObject("faults_pending")->getValue<int>("quota_exceeded"), 0);
}

TEST_F(AmazonReports, ServerErrorFault) {
  armFaults(R"({"server_error":1})");
  const HttpReply r = amazon->createReportOfType(token, kLedger);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.spError("code"), "InternalFailure");
  EXPECT_EQ(amazon->createReportOfType(token, kLedger).status, 202);
}

TEST_F(AmazonReports, CancelledAndFatalReports) {
  armFaults(R"({"cancel":1,"fatal":1})");
  auto cancelled = finished(kLedger);
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->getValue<std::string>("processingStatus"), "CANCELLED");
  EXPECT_FALSE(cancelled->has("reportDocumentId"));
  auto fatal = finished(kReimbursements);
  ASSERT_TRUE(fatal);
  EXPECT_EQ(fatal->getValue<std::string>("processingStatus"), "FATAL");
  ASSERT_TRUE(fatal->has("reportDocumentId")) << "a FATAL report explains itself in a document";
  const auto doc = amazon->getDocument(token, fatal->getValue<std::string>("reportDocumentId")).json();
  ASSERT_TRUE(doc);
  EXPECT_FALSE(doc->has("compressionAlgorithm"));
  const HttpReply body = amazon->fetchUrl(doc->getValue<std::string>("url"));
  EXPECT_NE(body.body.find("errorDetails"), std::string::npos) << body.body;
  auto normal = finished(kLedger);
  ASSERT_TRUE(normal);
  EXPECT_EQ(normal->getValue<std::string>("processingStatus"), "DONE");
}

TEST_F(AmazonReports, EmptyWindowEndsCancelled) {
  std::string failure;
  const auto r = amazon->runReport(
      token,
      R"({"reportType":"GET_FBA_REIMBURSEMENTS_DATA","marketplaceIds":["ATVPDKIKX0DER"],)"
      R"("dataStartTime":"2020-01-01","dataEndTime":"2020-02-01"})",
      &failure);
  ASSERT_TRUE(r) << failure;
  EXPECT_EQ(r->getValue<std::string>("processingStatus"), "CANCELLED");
  EXPECT_FALSE(r->has("reportDocumentId"));
}

TEST_F(AmazonReports, CancelReportOnlyWhileInQueue) {
  const std::string id = createId(kLedger);
  HttpReply r = amazon->send("DELETE", "/reports/2021-06-30/reports/" + id,
                             {{"x-amz-access-token", token}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(status(id), "CANCELLED");
  r = amazon->send("DELETE", "/reports/2021-06-30/reports/" + id, {{"x-amz-access-token", token}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.spError("code"), "InvalidInput");
}

TEST_F(AmazonReports, ExpireTokensFault) {
  ASSERT_EQ(armFaults(R"({"expire_tokens":true})").status, 200);
  const HttpReply r = amazon->createReportOfType(token, kLedger);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.spError("code"), "Unauthorized");
  EXPECT_FALSE(r.spError("details").empty());
  const std::string fresh = amazon->accessToken();
  EXPECT_EQ(amazon->createReportOfType(fresh, kLedger).status, 202);
}

TEST_F(AmazonReports, DocumentUrlExpiresAfterFiveMinutes) {
  const auto report = finished(kReimbursements);
  ASSERT_TRUE(report);
  const std::string doc_id = report->getValue<std::string>("reportDocumentId");
  const std::string url = amazon->getDocument(token, doc_id).json()->getValue<std::string>("url");
  advanceMinutes(4);
  EXPECT_EQ(amazon->fetchUrl(url).status, 200);
  advanceMinutes(2);
  const HttpReply expired = amazon->fetchUrl(url);
  EXPECT_EQ(expired.status, 403);
  EXPECT_NE(expired.content_type.find("xml"), std::string::npos);
  EXPECT_NE(expired.body.find("<Code>AccessDenied</Code>"), std::string::npos) << expired.body;
  EXPECT_NE(expired.body.find("Request has expired"), std::string::npos);
  // A new getReportDocument call gives a new, working URL.
  const std::string again = amazon->getDocument(token, doc_id).json()->getValue<std::string>("url");
  EXPECT_NE(again, url);
  EXPECT_EQ(amazon->fetchUrl(again).status, 200);
  // Tampering with the signature is refused.
  std::string forged = again;
  forged.back() = forged.back() == '0' ? '1' : '0';
  const HttpReply bad = amazon->fetchUrl(forged);
  EXPECT_EQ(bad.status, 403);
  EXPECT_NE(bad.body.find("SignatureDoesNotMatch"), std::string::npos);
  // Without the query string there is no access at all.
  EXPECT_EQ(amazon->fetchUrl(again.substr(0, again.find('?'))).status, 403);
}

TEST_F(AmazonReports, StateListsReportsAndStatsCountCalls) {
  const auto report = finished(kReturns);
  ASSERT_TRUE(report);
  const auto st = state();
  ASSERT_TRUE(st);
  const auto reports = st->getArray("reports");
  ASSERT_EQ(reports->size(), 1U);
  const auto r = reports->getObject(0);
  EXPECT_EQ(r->getValue<std::string>("reportId"), report->getValue<std::string>("reportId"));
  EXPECT_EQ(r->getValue<std::string>("processingStatus"), "DONE");
  EXPECT_GT(r->getValue<int>("rows"), 0);
  const auto stats = amazon->send("GET", "/_sim/stats").json();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->getObject("amazon")->getObject("calls")->getValue<int>("createReport"), 1);
  EXPECT_EQ(stats->getObject("amazon")->getObject("calls")->getValue<int>("getReport"), 3);
  // Reset forgets reports and tokens.
  amazon->send("POST", "/_sim/reset", {}, "application/json", "{}");
  EXPECT_EQ(state()->getArray("reports")->size(), 0U);
  EXPECT_EQ(amazon->getReport(token, report->getValue<std::string>("reportId")).status, 403);
}
