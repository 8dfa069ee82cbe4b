// The simulator's order and tracking methods: the real envelopes, the documented
// parameters, and answers consistent with the disputes (delivered, lost, no tracking).

#include <Poco/JSON/Array.h>

#include <functional>
#include <map>
#include <optional>
#include <set>

#include "SimFixture.h"
#include "sac/sim/OrderLogistics.h"

using namespace sac::sim;
using namespace sac::sim::test;

namespace {

constexpr const char* kFindOrder = "aliexpress.trade.new.redefining.findorderbyid";
constexpr const char* kTracking = "aliexpress.logistics.redefining.querytrackingresult";

class OrderMethods : public SimFixture {
protected:
  /// The first dispute (any status) whose order's package is of `kind`.
  std::optional<Dispute> withLogistics(const std::string& kind) {
    const auto rows = server->aliexpress().disputes(0).truth();
    for (const auto& r : rows)
      if (r.logistics == kind) return server->aliexpress().disputes(0).find(r.issue_id);
    return std::nullopt;
  }

  Poco::JSON::Object::Ptr order(std::int64_t orderId, bool simplify = false) {
    const Reply r = client->sync(kFindOrder, {{"param1", R"({"order_id":)" + std::to_string(orderId) + "}"}},
                                 kToken, simplify);
    const auto j = r.json();
    EXPECT_TRUE(j) << r.body;
    if (!j) return nullptr;
    const auto body = simplify ? j : responseOf(r, kFindOrder);
    EXPECT_TRUE(body) << r.body;
    return body ? body->getObject("target") : nullptr;
  }

  Poco::JSON::Object::Ptr package(const Poco::JSON::Object::Ptr& target) {
    const auto list = target->getObject("logistic_info_list");
    EXPECT_TRUE(list);
    const auto items = list->getArray("aeop_tp_logistic_info_dto");
    EXPECT_TRUE(items && items->size() == 1);
    return items->getObject(0);
  }

  Reply tracking(const Poco::JSON::Object::Ptr& target, bool simplify = false) {
    const auto p = package(target);
    return client->sync(kTracking,
                        {{"service_name", p->getValue<std::string>("logistics_type_code")},
                         {"logistics_no", p->getValue<std::string>("logistics_no")},
                         {"to_area", target->getObject("receipt_address")->getValue<std::string>("country")},
                         {"origin", "ESCROW"},
                         {"out_ref", target->get("id").convert<std::string>()}},
                        kToken, simplify);
  }

  static Poco::JSON::Array::Ptr details(const Reply& r) {
    const auto body = responseOf(r, kTracking);
    EXPECT_TRUE(body) << r.body;
    const auto w = body->getObject("details");
    if (!w || !w->has("details")) return new Poco::JSON::Array;
    return w->getArray("details");
  }
};

TEST_F(OrderMethods, EveryKindOfPackageIsInThePopulation) {
  std::map<std::string, int> kinds;
  for (const auto& r : server->aliexpress().disputes(0).truth()) ++kinds[r.logistics];
  EXPECT_GT(kinds["delivered"], 0);
  EXPECT_GT(kinds["lost"], 0);
  EXPECT_GT(kinds["no_tracking"], 0);
  EXPECT_EQ(kinds.size(), 3u);
}

TEST_F(OrderMethods, DeliveredOrderHasItsPackageAndASignedDeliveryEvent) {
  const auto d = withLogistics("delivered");
  ASSERT_TRUE(d);
  const auto target = order(d->parent_order_id);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->getValue<Poco::Int64>("id"), d->parent_order_id);
  EXPECT_EQ(target->getValue<std::string>("buyerloginid"), d->buyer_login_id);
  const auto children = target->getObject("child_order_list")->getArray("aeop_tp_child_order_dto");
  ASSERT_EQ(children->size(), 1u);
  EXPECT_EQ(children->getObject(0)->getValue<Poco::Int64>("id"), d->order_id);
  const auto p = package(target);
  EXPECT_EQ(p->getValue<std::string>("receive_status"), "received");
  EXPECT_FALSE(p->getValue<std::string>("logistics_no").empty());
  // Times in the platform's Pacific wall-clock format, delivered before the dispute opened.
  const std::string received = p->getValue<std::string>("gmt_received");
  ASSERT_EQ(received.size(), 19u);
  EXPECT_LT(received, PacificTime::format(d->gmt_create));
  EXPECT_LT(p->getValue<std::string>("gmt_send"), received);

  const Reply r = tracking(target);
  const auto body = responseOf(r, kTracking);
  ASSERT_TRUE(body) << r.body;
  EXPECT_TRUE(body->getValue<bool>("result_success"));
  EXPECT_FALSE(body->getValue<std::string>("official_website").empty());
  const auto events = details(r);
  ASSERT_GE(events->size(), 5u);
  const auto last = events->getObject(static_cast<unsigned>(events->size() - 1));
  EXPECT_EQ(last->getValue<std::string>("status"), "GTMS_SIGNED");
  EXPECT_EQ(last->getValue<std::string>("event_date"), received);
  EXPECT_FALSE(last->getValue<std::string>("signed_name").empty());

  // The same answer again (deterministic per order), and by the sub-order id too.
  const auto repeated = details(tracking(target));
  ASSERT_EQ(repeated->size(), events->size());
  EXPECT_EQ(repeated->getObject(0)->getValue<std::string>("event_date"),
            events->getObject(0)->getValue<std::string>("event_date"));
  const auto again = order(d->order_id);
  ASSERT_TRUE(again);
  EXPECT_EQ(package(again)->getValue<std::string>("logistics_no"), p->getValue<std::string>("logistics_no"));
}

TEST_F(OrderMethods, LostPackageEventsStopLongBeforeTheDispute) {
  const auto d = withLogistics("lost");
  ASSERT_TRUE(d);
  const auto target = order(d->parent_order_id);
  ASSERT_TRUE(target);
  const auto p = package(target);
  EXPECT_EQ(p->getValue<std::string>("gmt_received"), "");
  EXPECT_NE(p->getValue<std::string>("receive_status"), "received");
  const auto events = details(tracking(target));
  ASSERT_GE(events->size(), 2u);
  std::set<std::string> statuses;
  std::string newest;
  for (std::size_t i = 0; i < events->size(); ++i) {
    const auto e = events->getObject(static_cast<unsigned>(i));
    statuses.insert(e->getValue<std::string>("status"));
    newest = std::max(newest, e->getValue<std::string>("event_date"));
    EXPECT_FALSE(e->has("signed_name"));
  }
  EXPECT_EQ(statuses.count("GTMS_SIGNED"), 0u);
  EXPECT_LT(newest, PacificTime::format(d->gmt_create - 20LL * 86'400'000));
}

TEST_F(OrderMethods, PackageWithoutTrackingNumberHasNoEvents) {
  const auto d = withLogistics("no_tracking");
  ASSERT_TRUE(d);
  const auto target = order(d->parent_order_id);
  ASSERT_TRUE(target);
  const auto p = package(target);
  EXPECT_EQ(p->getValue<std::string>("logistics_no"), "");
  EXPECT_FALSE(p->getValue<bool>("have_tracking_info"));
  // The tracking query needs a number: a missing parameter.
  const Reply r = tracking(target);
  EXPECT_EQ(errorCode(r), "MissingParameter");
  EXPECT_EQ(subCode(r), "isv.missing-parameter:logistics_no");
}

TEST_F(OrderMethods, SimplifiedShapesAreArrays) {
  const auto d = withLogistics("delivered");
  ASSERT_TRUE(d);
  const auto target = order(d->parent_order_id, true);
  ASSERT_TRUE(target);
  ASSERT_TRUE(target->getArray("logistic_info_list"));
  const Reply full = tracking(order(d->parent_order_id));
  const auto p = package(order(d->parent_order_id));
  const Reply r = client->sync(kTracking,
                               {{"service_name", p->getValue<std::string>("logistics_type_code")},
                                {"logistics_no", p->getValue<std::string>("logistics_no")},
                                {"to_area", "BR"},
                                {"origin", "ESCROW"},
                                {"out_ref", std::to_string(d->parent_order_id)}},
                               kToken, true);
  const auto j = r.json();
  ASSERT_TRUE(j) << r.body;
  ASSERT_TRUE(j->getArray("details")) << r.body;
  EXPECT_EQ(j->getArray("details")->size(), details(full)->size());
}

TEST_F(OrderMethods, WrongParametersGetTheGatewaysErrors) {
  EXPECT_EQ(subCode(client->sync(kFindOrder, {}, kToken)), "isv.missing-parameter:param1");
  EXPECT_EQ(subCode(client->sync(kFindOrder, {{"param1", "not json"}}, kToken)), "isv.invalid-parameter:param1");
  EXPECT_EQ(subCode(client->sync(kFindOrder, {{"param1", R"({"order_id":"abc"})"}}, kToken)),
            "isv.invalid-parameter:order_id");
  const Reply unknown = client->sync(kFindOrder, {{"param1", R"({"order_id":1234})"}}, kToken);
  EXPECT_EQ(errorCode(unknown), "15");
  EXPECT_EQ(subCode(unknown), "isv.order-not-found");
  EXPECT_EQ(subCode(client->sync(kTracking, {{"logistics_no", "LP1"}}, kToken)), "isv.missing-parameter:origin");

  // Another number on a real order: the carrier has nothing.
  const auto d = withLogistics("delivered");
  ASSERT_TRUE(d);
  const Reply r = client->sync(kTracking,
                               {{"service_name", "CAINIAO_STANDARD"},
                                {"logistics_no", "LP00000000000000"},
                                {"to_area", "BR"},
                                {"origin", "ESCROW"},
                                {"out_ref", std::to_string(d->parent_order_id)}},
                               kToken);
  const auto body = responseOf(r, kTracking);
  ASSERT_TRUE(body) << r.body;
  EXPECT_FALSE(body->getValue<bool>("result_success"));
  EXPECT_FALSE(body->getValue<std::string>("error_desc").empty());
  EXPECT_EQ(body->getObject("details")->size(), 0u);
}

TEST_F(OrderMethods, CallsAreCountedPerMethod) {
  const auto d = withLogistics("delivered");
  ASSERT_TRUE(d);
  ASSERT_EQ(client->postJson("/_sim/stats/reset", "{}").status, 200);
  const auto target = order(d->parent_order_id);
  ASSERT_TRUE(target);
  tracking(target);
  tracking(target);
  const auto stats = client->get("/_sim/stats").json();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->getObject("calls")->getValue<int>(kFindOrder), 1);
  EXPECT_EQ(stats->getObject("calls")->getValue<int>(kTracking), 2);
}

}  // namespace
