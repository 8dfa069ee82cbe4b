#include <Poco/JSON/Array.h>

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <vector>

#include "SimFixture.h"

using namespace sac::sim;
using namespace sac::sim::test;

namespace {

constexpr const char* kList = "aliexpress.issue.issuelist.get";
constexpr const char* kDetail = "aliexpress.issue.detail.get";
constexpr const char* kAgree = "aliexpress.issue.solution.agree";
constexpr const char* kSave = "aliexpress.issue.solution.save";
constexpr const char* kUpload = "aliexpress.issue.image.upload";

std::string query(int page, int size, const std::string& status) {
  return R"({"current_page":)" + std::to_string(page) + R"(,"page_size":)" + std::to_string(size) +
         R"(,"issue_status":")" + status + "\"}";
}

class IssueMethods : public SimFixture {
protected:
  /// First dispute of the population matching `pred` (looked up on the store directly).
  std::optional<Dispute> findDispute(const std::function<bool(const Dispute&)>& pred) {
    auto& store = server->aliexpress().disputes(0);
    for (const char* status : {"processing", "finish", "canceled_issue"}) {
      for (int page = 1;; ++page) {
        const auto p = store.list(status, page, 50, "", "");
        for (const auto& d : p.items)
          if (pred(d)) return d;
        if (p.items.size() < 50) break;
      }
    }
    return std::nullopt;
  }

  Poco::JSON::Object::Ptr detail(const Dispute& d) {
    const Reply r = client->sync(
        kDetail, {{"buyer_login_id", d.buyer_login_id}, {"issue_id", std::to_string(d.issue_id)}},
        kToken);
    const auto resp = responseOf(r, kDetail);
    EXPECT_TRUE(resp) << r.body;
    return resp ? resp->getObject("result_object") : nullptr;
  }

  static Poco::JSON::Array::Ptr wrapped(const Poco::JSON::Object::Ptr& o, const std::string& list,
                                        const std::string& item) {
    const auto w = o->getObject(list);
    if (!w || !w->has(item)) return new Poco::JSON::Array;
    return w->getArray(item);
  }

  std::string saveDto(const Dispute& d, const std::string& amount, const std::string& currency,
                      const std::string& context) {
    return R"({"add_seller_solution":true,"buyer_login_id":")" + d.buyer_login_id +
           R"(","issue_id":)" + std::to_string(d.issue_id) + R"(,"buyer_solution_id":)" +
           std::to_string(d.buyer_solutions.front().id) + R"(,"refund_amount":")" + amount +
           R"(","refund_amount_currency":")" + currency + R"(","solution_context":")" + context +
           R"(","add_solution_type":"refund"})";
  }
};

bool waitingForSeller(const Dispute& d) {
  return d.issue_status == "processing" && d.fine_status == "wait_for_seller_response";
}

}  // namespace

TEST_F(IssueMethods, PaginationCoversEveryDisputeExactlyOnce) {
  startWith(testConfig(137));
  std::set<std::int64_t> seen;
  std::int64_t total = 0;
  int rows = 0;
  for (const char* status : {"processing", "canceled_issue", "finish"}) {
    for (int page = 1; page < 10; ++page) {
      const Reply r = client->sync(kList, {{"query_dto", query(page, 50, status)}}, kToken);
      const auto resp = responseOf(r, kList);
      ASSERT_TRUE(resp) << r.body;
      if (page == 1) total += resp->getValue<std::int64_t>("total_item");
      const auto items = wrapped(resp, "data_list", "issue_api_issue_dto");
      for (std::size_t i = 0; i < items->size(); ++i) {
        const auto o = items->getObject(static_cast<unsigned>(i));
        EXPECT_EQ(o->getValue<std::string>("issue_status"), status);
        seen.insert(o->getValue<std::int64_t>("issue_id"));
        ++rows;
      }
      if (items->size() < 50) break;
    }
  }
  EXPECT_EQ(total, 137);
  EXPECT_EQ(rows, 137);
  EXPECT_EQ(seen.size(), 137u);
}

TEST_F(IssueMethods, PagesAreNotInChronologicalOrder) {
  const Reply r = client->sync(kList, {{"query_dto", query(1, 50, "finish")}}, kToken);
  const auto items = wrapped(responseOf(r, kList), "data_list", "issue_api_issue_dto");
  ASSERT_GT(items->size(), 5u);
  std::vector<std::string> created;
  for (std::size_t i = 0; i < items->size(); ++i)
    created.push_back(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("gmt_create"));
  EXPECT_FALSE(std::is_sorted(created.begin(), created.end()));
  EXPECT_FALSE(std::is_sorted(created.rbegin(), created.rend()));
}

TEST_F(IssueMethods, RejectsBadQueries) {
  const Reply big = client->sync(kList, {{"query_dto", query(1, 51, "processing")}}, kToken);
  EXPECT_EQ(errorCode(big), "InvalidParameter");
  EXPECT_NE(big.body.find("51"), std::string::npos) << big.body;
  EXPECT_EQ(errorCode(client->sync(kList, {{"query_dto", query(0, 10, "processing")}}, kToken)),
            "InvalidParameter");
  EXPECT_EQ(errorCode(client->sync(kList, {{"query_dto", query(1, 10, "open")}}, kToken)),
            "InvalidParameter");
  EXPECT_EQ(errorCode(client->sync(kList, {{"query_dto", "{not json"}}, kToken)),
            "InvalidParameter");
  EXPECT_EQ(errorCode(client->sync(kList, {}, kToken)), "MissingParameter");
}

TEST_F(IssueMethods, WrappedAndSimplifiedShapes) {
  const Reply w = client->sync(kList, {{"query_dto", query(1, 3, "processing")}}, kToken);
  const auto wr = responseOf(w, kList);
  ASSERT_TRUE(wr) << w.body;
  EXPECT_TRUE(wr->isObject("data_list"));
  EXPECT_EQ(wr->getObject("data_list")->getArray("issue_api_issue_dto")->size(), 3u);

  const Reply s = client->sync(kList, {{"query_dto", query(1, 3, "processing")}}, kToken, true);
  const auto sj = s.json();
  ASSERT_TRUE(sj) << s.body;
  EXPECT_FALSE(sj->has("aliexpress_issue_issuelist_get_response"));
  ASSERT_TRUE(sj->isArray("data_list")) << s.body;
  EXPECT_EQ(sj->getArray("data_list")->size(), 3u);

  // Past the last page: {} when wrapped, [] when simplified.
  const Reply we = client->sync(kList, {{"query_dto", query(99, 50, "processing")}}, kToken);
  EXPECT_NE(we.body.find("\"data_list\":{}"), std::string::npos) << we.body;
  const Reply se = client->sync(kList, {{"query_dto", query(99, 50, "processing")}}, kToken, true);
  EXPECT_NE(se.body.find("\"data_list\":[]"), std::string::npos) << se.body;

  // Detail lists follow the same rule.
  const auto d = findDispute([](const Dispute& x) { return x.seller_solutions.empty(); });
  ASSERT_TRUE(d);
  const Reply dw = client->sync(
      kDetail, {{"buyer_login_id", d->buyer_login_id}, {"issue_id", std::to_string(d->issue_id)}}, kToken);
  EXPECT_NE(dw.body.find("\"seller_solution_list\":{}"), std::string::npos);
  EXPECT_NE(dw.body.find("\"buyer_solution_list\":{\"solution_api_dto\":["), std::string::npos);
  const Reply ds = client->sync(
      kDetail, {{"buyer_login_id", d->buyer_login_id}, {"issue_id", std::to_string(d->issue_id)}}, kToken, true);
  EXPECT_NE(ds.body.find("\"seller_solution_list\":[]"), std::string::npos) << ds.body;
  EXPECT_TRUE(ds.json()->getObject("result_object")->isArray("buyer_solution_list"));
}

TEST_F(IssueMethods, IdsAreExact16DigitIntegers) {
  const Reply r = client->sync(kList, {{"query_dto", query(1, 50, "processing")}}, kToken);
  const std::regex id_re("\"(issue_id|order_id|parent_order_id)\":(\\d+)");
  int count = 0;
  int beyond_double = 0;
  for (auto it = std::sregex_iterator(r.body.begin(), r.body.end(), id_re);
       it != std::sregex_iterator(); ++it) {
    const std::string digits = (*it)[2];
    EXPECT_EQ(digits.size(), 16u) << digits;
    const long long v = std::stoll(digits);
    if (static_cast<long long>(static_cast<double>(v)) != v) ++beyond_double;
    ++count;
  }
  EXPECT_GT(count, 30);
  EXPECT_GT(beyond_double, 0) << "some ids must not survive a trip through a double";
  // The JSON number parses back to the same 64-bit integer.
  const auto first = wrapped(responseOf(r, kList), "data_list", "issue_api_issue_dto")->getObject(0);
  const std::string text = std::to_string(first->getValue<std::int64_t>("issue_id"));
  EXPECT_NE(r.body.find("\"issue_id\":" + text), std::string::npos);
}

TEST_F(IssueMethods, TimesArePacificWallClockText) {
  const auto d = findDispute(waitingForSeller);
  ASSERT_TRUE(d);
  const auto o = detail(*d);
  const std::regex time_re("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
  EXPECT_TRUE(std::regex_match(o->getValue<std::string>("gmt_create"), time_re));
  EXPECT_EQ(o->getValue<std::string>("gmt_create"), PacificTime::format(d->gmt_create));
  EXPECT_EQ(o->getValue<std::string>("timeout_trigger_time"), PacificTime::format(d->deadline));
  // June: the wall clock is UTC-7.
  const auto june = PacificTime::format(kTestNowMs);
  EXPECT_EQ(june, "2025-06-15 05:00:00");
  const auto done = findDispute([](const Dispute& x) { return x.issue_status == "finish"; });
  ASSERT_TRUE(done);
  EXPECT_EQ(detail(*done)->getValue<std::string>("timeout_trigger_time"), "");
}

TEST_F(IssueMethods, DetailRequiresTheMatchingBuyer) {
  const auto d = findDispute(waitingForSeller);
  ASSERT_TRUE(d);
  const Reply wrong = client->sync(
      kDetail, {{"buyer_login_id", "someone"}, {"issue_id", std::to_string(d->issue_id)}}, kToken);
  EXPECT_EQ(errorCode(wrong), "15");
  EXPECT_NE(wrong.body.find("\"code\":15"), std::string::npos) << wrong.body;
  EXPECT_EQ(subCode(wrong), "isv.issue-not-found");
  const Reply bad = client->sync(kDetail, {{"buyer_login_id", d->buyer_login_id}, {"issue_id", "abc"}}, kToken);
  EXPECT_EQ(errorCode(bad), "InvalidParameter");
  EXPECT_NE(bad.body.find("\\\"abc\\\""), std::string::npos) << bad.body;
  EXPECT_EQ(errorCode(client->sync(kDetail, {{"issue_id", std::to_string(d->issue_id)}}, kToken)),
            "MissingParameter");
}

TEST_F(IssueMethods, HostileTextArrivesIntact) {
  const auto d = findDispute(
      [](const Dispute& x) { return x.product_name.find("<script>") != std::string::npos; });
  ASSERT_TRUE(d) << "the population must contain hostile product names";
  EXPECT_EQ(detail(*d)->getValue<std::string>("product_name"), d->product_name);
}

TEST_F(IssueMethods, AgreeRefundFinishesTheIssueOnce) {
  const auto d = findDispute([](const Dispute& x) {
    return waitingForSeller(x) && x.buyer_solutions.front().solution_type == "refund";
  });
  ASSERT_TRUE(d);
  const IopTestClient::Params p{{"buyer_login_id", d->buyer_login_id},
                                {"issue_id", std::to_string(d->issue_id)},
                                {"solution_id", std::to_string(d->buyer_solutions.front().id)}};
  const Reply r = client->sync(kAgree, p, kToken);
  const auto resp = responseOf(r, kAgree);
  ASSERT_TRUE(resp) << r.body;
  EXPECT_TRUE(resp->getValue<bool>("result_object"));

  const auto o = detail(*d);
  EXPECT_EQ(o->getValue<std::string>("issue_status"), "finish");
  EXPECT_EQ(o->getValue<std::string>("reverse_detail_status"), "refund_success");
  EXPECT_EQ(wrapped(o, "buyer_solution_list", "solution_api_dto")->getObject(0)->getValue<std::string>("status"),
            "reached");

  const Reply again = client->sync(kAgree, p, kToken);
  EXPECT_EQ(errorCode(again), "15");
  EXPECT_EQ(subCode(again), "isv.issue-status-error");

  // The list moved it from processing to finish.
  const Reply fin = client->sync(kList, {{"query_dto", R"({"current_page":1,"page_size":50,"issue_status":"finish","buyer_login_id":")" + d->buyer_login_id + "\"}"}}, kToken);
  EXPECT_NE(fin.body.find(std::to_string(d->issue_id)), std::string::npos) << fin.body;
}

TEST_F(IssueMethods, AgreeReturnNeedsAnAddressAndWaitsForTheReturn) {
  const auto d = findDispute([](const Dispute& x) {
    return waitingForSeller(x) && x.buyer_solutions.size() > 1 &&
           x.buyer_solutions[1].solution_type == "return_and_refund";
  });
  ASSERT_TRUE(d);
  IopTestClient::Params p{{"buyer_login_id", d->buyer_login_id},
                          {"issue_id", std::to_string(d->issue_id)},
                          {"solution_id", std::to_string(d->buyer_solutions[1].id)}};
  const Reply no_addr = client->sync(kAgree, p, kToken);
  EXPECT_EQ(subCode(no_addr), "isv.missing-parameter:return_address_id") << no_addr.body;
  p["return_address_id"] = "12345";
  ASSERT_TRUE(responseOf(client->sync(kAgree, p, kToken), kAgree));
  const auto o = detail(*d);
  EXPECT_EQ(o->getValue<std::string>("issue_status"), "processing");
  EXPECT_EQ(o->getValue<std::string>("reverse_detail_status"), "wait_for_buyer_return");
}

TEST_F(IssueMethods, AgreeRejectsUnknownSolution) {
  const auto d = findDispute(waitingForSeller);
  ASSERT_TRUE(d);
  const Reply r = client->sync(kAgree, {{"buyer_login_id", d->buyer_login_id},
                                        {"issue_id", std::to_string(d->issue_id)},
                                        {"solution_id", "1234567890123456"}}, kToken);
  EXPECT_EQ(subCode(r), "isv.solution-not-found");
}

TEST_F(IssueMethods, SaveValidatesAndAddsASellerSolution) {
  const auto d = findDispute(waitingForSeller);
  ASSERT_TRUE(d);
  const std::string cap = std::to_string(d->refund_max_cents / 100) + "." +
                          (d->refund_max_cents % 100 < 10 ? "0" : "") +
                          std::to_string(d->refund_max_cents % 100);
  const std::string over = std::to_string(d->refund_max_cents / 100 + 1) + ".00";
  auto save = [&](const std::string& dto) { return client->sync(kSave, {{"param_dto", dto}}, kToken); };

  EXPECT_EQ(subCode(save(saveDto(*d, over, d->currency, "motivo"))), "isv.refund-amount-exceeds-max");
  EXPECT_EQ(subCode(save(saveDto(*d, "1.00", d->currency == "USD" ? "EUR" : "USD", "motivo"))),
            "isv.currency-mismatch");
  EXPECT_EQ(errorCode(save(saveDto(*d, "1.00", d->currency, "  "))), "MissingParameter");
  EXPECT_EQ(errorCode(save(saveDto(*d, "1.005", d->currency, "motivo"))), "InvalidParameter");
  EXPECT_EQ(errorCode(save("not json")), "InvalidParameter");

  const Reply ok = save(saveDto(*d, "1.50", d->currency, "Enviamos o produto correto; segue rastreio."));
  const auto resp = responseOf(ok, kSave);
  ASSERT_TRUE(resp) << ok.body;
  EXPECT_TRUE(resp->getValue<bool>("result_object"));

  const auto o = detail(*d);
  EXPECT_EQ(o->getValue<std::string>("reverse_detail_status"), "wait_for_buyer_response");
  const auto sellers = wrapped(o, "seller_solution_list", "solution_api_dto");
  ASSERT_EQ(sellers->size(), 1u);
  EXPECT_EQ(sellers->getObject(0)->getValue<std::string>("refund_money"), "1.50");
  EXPECT_EQ(sellers->getObject(0)->getValue<std::string>("content"),
            "Enviamos o produto correto; segue rastreio.");
  EXPECT_EQ(wrapped(o, "buyer_solution_list", "solution_api_dto")->getObject(0)->getValue<std::string>("status"),
            "seller_refused");
  const auto history = wrapped(o, "process_dto_list", "api_issue_process_dto");
  EXPECT_EQ(history->getObject(0)->getValue<std::string>("action_type"), "seller_create_solution");
  EXPECT_EQ(o->getValue<std::string>("timeout_trigger_time"),
            PacificTime::format(kTestNowMs + 5LL * 24 * 3600 * 1000));
  // A second "add" while one is pending is refused; the cap itself is accepted by modify.
  EXPECT_EQ(subCode(save(saveDto(*d, "1.00", d->currency, "outra"))), "isv.seller-solution-exists");
  const std::string modify = R"({"add_seller_solution":false,"buyer_login_id":")" + d->buyer_login_id +
                             R"(","issue_id":")" + std::to_string(d->issue_id) +
                             R"(","modify_seller_solution_id":)" +
                             std::to_string(sellers->getObject(0)->getValue<std::int64_t>("id")) +
                             R"(,"refund_amount":")" + cap + R"(","refund_amount_currency":")" +
                             d->currency + R"(","solution_context":"Reembolso total"})";
  ASSERT_TRUE(responseOf(save(modify), kSave)) << save(modify).body;
  const auto o2 = detail(*d);
  EXPECT_EQ(wrapped(o2, "seller_solution_list", "solution_api_dto")->getObject(0)->getValue<std::string>("refund_money"), cap);
}

TEST_F(IssueMethods, ImageUploadChecksBytesAndRecordsHistory) {
  const auto d = findDispute(waitingForSeller);
  ASSERT_TRUE(d);
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  auto upload = [&](const std::string& ext, const std::string& bytes, bool with_file = true) {
    auto p = client->signedSync(kUpload, {{"buyer_login_id", d->buyer_login_id},
                                          {"issue_id", std::to_string(d->issue_id)},
                                          {"extension", ext}}, kToken);
    return client->postMultipart("/sync", p, with_file ? "image_bytes" : "", "evidence." + ext, bytes);
  };
  const Reply html = upload("png", "<html><body>not an image</body></html>");
  EXPECT_EQ(errorCode(html), "InvalidParameter");
  EXPECT_NE(html.body.find("3C 68 74 6D"), std::string::npos) << html.body;
  EXPECT_EQ(errorCode(upload("gif", "GIF89a")), "InvalidParameter");
  EXPECT_EQ(errorCode(upload("jpg", png)), "InvalidParameter");
  EXPECT_EQ(errorCode(upload("png", png, false)), "MissingParameter");

  const Reply ok = upload("png", png);
  const auto resp = responseOf(ok, kUpload);
  ASSERT_TRUE(resp) << ok.body;
  EXPECT_TRUE(resp->getValue<bool>("result_object"));
  const auto history = wrapped(detail(*d), "process_dto_list", "api_issue_process_dto");
  const auto latest = history->getObject(0);
  EXPECT_EQ(latest->getValue<std::string>("action_type"), "seller_upload_image");
  const std::string path = wrapped(latest, "attachments", "api_attachment_dto")
                               ->getObject(0)->getValue<std::string>("file_path");
  const Reply img = client->get(path);
  EXPECT_EQ(img.status, 200);
  EXPECT_EQ(img.body, png);
  EXPECT_EQ(img.content_type, "image/png");
}

TEST_F(IssueMethods, SameSeedServesTheSameFirstPage) {
  auto firstPage = [&](std::uint64_t seed) {
    startWith(testConfig(120, seed));
    std::string body = client->sync(kList, {{"query_dto", query(1, 20, "processing")}}, kToken).body;
    return body.substr(0, body.find("\"request_id\""));
  };
  const std::string a = firstPage(11);
  const std::string b = firstPage(11);
  const std::string c = firstPage(12);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST_F(IssueMethods, TouchMovesModifiedTimeAndDeadline) {
  const Reply r = client->postJson("/_sim/touch", R"({"count":3})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto ids = r.json()->getArray("touched");
  ASSERT_EQ(ids->size(), 3u);
  auto& store = server->aliexpress().disputes(0);
  for (std::size_t i = 0; i < ids->size(); ++i) {
    const auto d = store.find(ids->getElement<std::int64_t>(static_cast<unsigned>(i)));
    ASSERT_TRUE(d);
    const auto o = detail(*d);
    EXPECT_EQ(o->getValue<std::string>("reverse_detail_status"), "wait_for_seller_response");
    EXPECT_EQ(o->getValue<std::string>("timeout_trigger_time"),
              PacificTime::format(kTestNowMs + 5LL * 24 * 3600 * 1000));
    EXPECT_EQ(d->gmt_modified, kTestNowMs);
    const Reply l = client->sync(kList, {{"query_dto", R"({"current_page":1,"page_size":10,"issue_status":"processing","buyer_login_id":")" + d->buyer_login_id + "\"}"}}, kToken);
    EXPECT_NE(l.body.find("\"gmt_modified\":\"" + PacificTime::format(kTestNowMs) + "\""), std::string::npos) << l.body;
  }
}

TEST(DisputeStoreScale, HundredThousandDisputesAreCheap) {
  const auto t0 = std::chrono::steady_clock::now();
  DisputeStore store(3, 0, 100000, kTestNowMs);
  const auto counts = store.countByStatus();
  EXPECT_EQ(counts.at("processing") + counts.at("canceled_issue") + counts.at("finish"), 100000);
  const auto page = store.list("processing", 700, 50, "", "");
  EXPECT_EQ(page.items.size(), 50u);
  const auto again = store.find(page.items.front().issue_id);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->buyer_login_id, page.items.front().buyer_login_id);
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count(), 20);
}

// ---- Churn during listing and the ground truth ----

namespace {

struct TruthEntry {
  std::string status;
  std::string fine;
  std::string gmt_create;
  std::int64_t gmt_modified_ms = 0;
};

std::map<std::int64_t, TruthEntry> truthOf(IopTestClient& client, int store = 0) {
  const Reply r = client.get("/_sim/disputes?store=" + std::to_string(store));
  EXPECT_EQ(r.status, 200) << r.body;
  std::map<std::int64_t, TruthEntry> out;
  const auto j = r.json();
  if (!j) return out;
  const auto rows = j->getArray("disputes");
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const auto o = rows->getObject(static_cast<unsigned>(i));
    out[o->getValue<std::int64_t>("issue_id")] =
        TruthEntry{o->getValue<std::string>("issue_status"),
                   o->getValue<std::string>("reverse_detail_status"),
                   o->getValue<std::string>("gmt_create"),
                   o->getValue<std::int64_t>("gmt_modified_ms")};
  }
  EXPECT_EQ(j->getValue<std::int64_t>("total"), static_cast<std::int64_t>(out.size()));
  return out;
}

}  // namespace

TEST_F(IssueMethods, GroundTruthListsEveryDisputeAndRefusesBadQueries) {
  const auto truth = truthOf(*client);
  EXPECT_EQ(truth.size(), 120u);
  const auto counts = server->aliexpress().disputes(0).countByStatus();
  std::size_t processing = 0;
  for (const auto& [id, t] : truth) processing += t.status == "processing";
  EXPECT_EQ(static_cast<std::int64_t>(processing), counts.at("processing"));
  // Every row agrees with the detail.
  const auto d = findDispute(waitingForSeller);
  ASSERT_TRUE(d);
  const auto o = detail(*d);
  EXPECT_EQ(truth.at(d->issue_id).fine, o->getValue<std::string>("reverse_detail_status"));
  EXPECT_EQ(truth.at(d->issue_id).gmt_create, o->getValue<std::string>("gmt_create"));
  const Reply only = client->get("/_sim/disputes?store=0&status=finish");
  ASSERT_EQ(only.status, 200);
  EXPECT_EQ(only.body.find("\"issue_status\":\"processing\""), std::string::npos);
  EXPECT_EQ(client->get("/_sim/disputes?store=1").status, 400);
  EXPECT_EQ(client->get("/_sim/disputes?store=-1").status, 400);
  EXPECT_EQ(client->get("/_sim/disputes?store=0x").status, 400);
  EXPECT_EQ(client->get("/_sim/disputes?store=99999999999999999999999").status, 400);
  EXPECT_EQ(client->get("/_sim/disputes?store=0&status=open").status, 400);
}

TEST_F(IssueMethods, ChurnMovesDisputesAndChangesTotalItem) {
  SimConfig c = testConfig();
  c.churn_per_list_call = 1;
  startWith(c);
  auto total = [&] {
    const Reply r = client->sync(kList, {{"query_dto", query(1, 20, "processing")}}, kToken);
    const auto resp = responseOf(r, kList);
    EXPECT_TRUE(resp) << r.body;
    return resp ? resp->getValue<std::int64_t>("total_item") : -1;
  };
  auto diff = [](const std::map<std::int64_t, TruthEntry>& a,
                 const std::map<std::int64_t, TruthEntry>& b) {
    std::vector<std::int64_t> changed;
    for (const auto& [id, t] : b) {
      const auto it = a.find(id);
      if (it == a.end() || it->second.status != t.status || it->second.fine != t.fine)
        changed.push_back(id);
    }
    return changed;
  };
  const auto t0 = truthOf(*client);
  std::int64_t open0 = 0;
  for (const auto& [id, t] : t0) open0 += t.status == "processing";

  // 1st call: an open dispute finishes before the page is answered.
  EXPECT_EQ(total(), open0 - 1);
  const auto t1 = truthOf(*client);
  auto changed = diff(t0, t1);
  ASSERT_EQ(changed.size(), 1u);
  const TruthEntry& done = t1.at(changed[0]);
  EXPECT_EQ(done.status, "finish");
  EXPECT_TRUE(done.fine == "refund_success" || done.fine == "return_success") << done.fine;
  EXPECT_EQ(done.gmt_modified_ms, kTestNowMs);
  const auto moved = server->aliexpress().disputes(0).find(changed[0]);
  ASSERT_TRUE(moved);
  const auto o = detail(*moved);
  EXPECT_EQ(o->getValue<std::string>("issue_status"), "finish");
  EXPECT_EQ(o->getValue<std::string>("reverse_detail_status"), done.fine);
  EXPECT_EQ(o->getValue<std::string>("timeout_trigger_time"), "");

  // 2nd call: a new dispute opens now.
  EXPECT_EQ(total(), open0);
  const auto t2 = truthOf(*client);
  EXPECT_EQ(t2.size(), t1.size() + 1);
  changed = diff(t1, t2);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(t2.at(changed[0]).status, "processing");
  EXPECT_EQ(t2.at(changed[0]).gmt_create, PacificTime::format(kTestNowMs));
  const auto fresh = server->aliexpress().disputes(0).find(changed[0]);
  ASSERT_TRUE(fresh);
  const auto fo = detail(*fresh);
  EXPECT_EQ(fo->getValue<std::string>("reverse_detail_status"), "wait_for_seller_response");
  EXPECT_EQ(fo->getValue<std::string>("gmt_create"), PacificTime::format(kTestNowMs));
  EXPECT_TRUE(wrapped(fo, "seller_solution_list", "solution_api_dto")->size() == 0);

  // 3rd call: the buyer cancels an open dispute.
  EXPECT_EQ(total(), open0 - 1);
  const auto t3 = truthOf(*client);
  changed = diff(t2, t3);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(t3.at(changed[0]).status, "canceled_issue");
  EXPECT_EQ(t3.at(changed[0]).fine, "buyer_cancel");

  const auto churn = client->get("/_sim/stats").json()->getArray("stores")->getObject(0)->getObject("churn");
  EXPECT_EQ(churn->getValue<int>("to_finish"), 1);
  EXPECT_EQ(churn->getValue<int>("created"), 1);
  EXPECT_EQ(churn->getValue<int>("to_canceled"), 1);
  // Runtime off switch, and reset forgets the created dispute.
  ASSERT_EQ(client->postJson("/_sim/config", R"({"churn_per_list_call":0})").status, 200);
  EXPECT_EQ(total(), open0 - 1);
  ASSERT_EQ(client->postJson("/_sim/reset", "{}").status, 200);
  EXPECT_EQ(truthOf(*client).size(), 120u);
  EXPECT_EQ(total(), open0 - 1) << "reset restores the start setting (churn on)";
}

TEST_F(IssueMethods, NaiveOffsetWalkMissesARowUnderChurn) {
  for (const int churn : {0, 1}) {
    SimConfig c = testConfig(400);
    c.churn_per_list_call = churn;
    startWith(c);
    // Page by offset, end on a short page, no overlap: what a naive client does.
    std::set<std::int64_t> seen;
    std::set<std::int64_t> totals;
    for (int page = 1; page < 200; ++page) {
      const Reply r = client->sync(kList, {{"query_dto", query(page, 10, "processing")}}, kToken);
      const auto resp = responseOf(r, kList);
      ASSERT_TRUE(resp) << r.body;
      totals.insert(resp->getValue<std::int64_t>("total_item"));
      const auto items = wrapped(resp, "data_list", "issue_api_issue_dto");
      for (std::size_t i = 0; i < items->size(); ++i)
        seen.insert(items->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("issue_id"));
      if (items->size() < 10) break;
    }
    // Disputes open before the walk and still open after it were open all along; under
    // churn some slipped onto a page already read when an earlier row left the listing.
    std::vector<std::int64_t> missed;
    for (const auto& [id, t] : truthOf(*client))
      if (t.status == "processing" && t.gmt_create != PacificTime::format(kTestNowMs) &&
          !seen.count(id))
        missed.push_back(id);
    if (churn == 0) {
      EXPECT_TRUE(missed.empty()) << missed.size();
      EXPECT_EQ(totals.size(), 1u);
    } else {
      EXPECT_FALSE(missed.empty()) << "churn must make a naive offset walk lose rows";
      EXPECT_GT(totals.size(), 1u);
    }
  }
}

TEST_F(IssueMethods, ReturnSolutionIsRefusedWhenTheItemNeverArrived) {
  // The population is consistent: a non-receipt reason never comes with a return.
  auto& store = server->aliexpress().disputes(0);
  int non_receipt = 0;
  for (const char* status : {"processing", "finish", "canceled_issue"}) {
    for (int page = 1;; ++page) {
      const auto p = store.list(status, page, 50, "", "");
      for (const auto& d : p.items) {
        if (!DisputeStore::nonReceiptReason(d.reason_id)) continue;
        ++non_receipt;
        for (const auto* list : {&d.buyer_solutions, &d.seller_solutions, &d.platform_solutions})
          for (const auto& s : *list) EXPECT_EQ(s.solution_type, "refund") << d.issue_id;
        EXPECT_NE(d.fine_status, "wait_for_buyer_return") << d.issue_id;
        EXPECT_NE(d.fine_status, "return_success") << d.issue_id;
      }
      if (p.items.size() < 50) break;
    }
  }
  EXPECT_GT(non_receipt, 5);

  auto dto = [](const Dispute& d, const std::string& type) {
    return R"({"add_seller_solution":true,"buyer_login_id":")" + d.buyer_login_id +
           R"(","issue_id":)" + std::to_string(d.issue_id) + R"(,"buyer_solution_id":)" +
           std::to_string(d.buyer_solutions.front().id) + R"(,"refund_amount":"1.00","refund_amount_currency":")" +
           d.currency + R"(","solution_context":"Devolva o produto","add_solution_type":")" + type +
           R"(","return_good_address_id":"12345"})";
  };
  const auto lost = findDispute([](const Dispute& x) {
    return waitingForSeller(x) && DisputeStore::nonReceiptReason(x.reason_id);
  });
  ASSERT_TRUE(lost);
  const auto shown = detail(*lost);
  EXPECT_TRUE(DisputeStore::nonReceiptReason(static_cast<int>(shown->getValue<std::int64_t>("issue_reason_id"))));
  const Reply refused = client->sync(kSave, {{"param_dto", dto(*lost, "return_and_refund")}}, kToken);
  EXPECT_EQ(errorCode(refused), "15") << refused.body;
  EXPECT_NE(refused.body.find("\"code\":15"), std::string::npos);
  EXPECT_EQ(subCode(refused), "isv.solution-type-not-allowed");
  EXPECT_NE(refused.body.find(lost->reason_english), std::string::npos) << refused.body;
  // Nothing changed; a refund proposal on the same dispute is accepted.
  EXPECT_EQ(detail(*lost)->getValue<std::string>("reverse_detail_status"), "wait_for_seller_response");
  EXPECT_TRUE(responseOf(client->sync(kSave, {{"param_dto", dto(*lost, "refund")}}, kToken), kSave));
  // Modifying the pending proposal into a return is refused as well.
  const auto pending = wrapped(detail(*lost), "seller_solution_list", "solution_api_dto")->getObject(0);
  const std::string modify = R"({"add_seller_solution":false,"buyer_login_id":")" + lost->buyer_login_id +
                             R"(","issue_id":)" + std::to_string(lost->issue_id) +
                             R"(,"modify_seller_solution_id":)" +
                             std::to_string(pending->getValue<std::int64_t>("id")) +
                             R"(,"refund_amount":"1.00","refund_amount_currency":")" + lost->currency +
                             R"(","solution_context":"x","add_solution_type":"return_and_refund","return_good_address_id":"1"})";
  EXPECT_EQ(subCode(client->sync(kSave, {{"param_dto", modify}}, kToken)), "isv.solution-type-not-allowed");

  // Where the item arrived, a return is a valid proposal.
  const auto arrived = findDispute([](const Dispute& x) {
    return waitingForSeller(x) && !DisputeStore::nonReceiptReason(x.reason_id);
  });
  ASSERT_TRUE(arrived);
  const Reply ok = client->sync(kSave, {{"param_dto", dto(*arrived, "return_and_refund")}}, kToken);
  EXPECT_TRUE(responseOf(ok, kSave)) << ok.body;
  EXPECT_EQ(wrapped(detail(*arrived), "seller_solution_list", "solution_api_dto")->getObject(0)
                ->getValue<std::string>("solution_type"),
            "return_and_refund");
}
