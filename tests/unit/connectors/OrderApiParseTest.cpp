#include "TestSupport.h"

#include "sac/aliexpress/OrderApi.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

using namespace sac::aliexpress;
using namespace sac::connectors;
using sac::test::FakeTransport;

namespace {

Poco::JSON::Object::Ptr parse(const std::string& s) {
    Poco::JSON::Parser p;
    return p.parse(s).extract<Poco::JSON::Object::Ptr>();
}

// The wrapped shape as the published SDKs name it: `target` (AeopTpOrderDetailDTO),
// logistic_info_list wrapped in aeop_tp_logistic_info_dto, ids as numbers and strings.
const char* kOrderWrapped = R"({"aliexpress_trade_new_redefining_findorderbyid_response":{
  "target":{
    "id":3000000000104729,
    "gmt_create":"2024-07-01 10:00:00",
    "gmt_pay_success":"2024-01-15 08:30",
    "order_status":"IN_ISSUE",
    "logistics_status":"SELLER_SEND_GOODS",
    "receipt_address":{"country":"BR","city":"São Paulo"},
    "logistic_info_list":{"aeop_tp_logistic_info_dto":[
      {"logistics_no":"","logistics_service_name":"Seller's Shipping Method","logistics_type_code":"OTHER",
       "gmt_send":"2024-07-01 09:00:00","receive_status":"default","have_tracking_info":false},
      {"logistics_no":"LP00123456789012","logistics_service_name":"AliExpress Standard Shipping",
       "logistics_type_code":"CAINIAO_STANDARD","gmt_send":"2024-07-03 10:00:00","gmt_received":"2024-07-20 12:00:00",
       "receive_status":"received","recv_status_desc":"","have_tracking_info":"true","ship_order_id":1234567}]},
    "child_order_list":{"aeop_tp_child_order_dto":[{"id":"8100000000104730","product_id":1005000000000001}]}
  },
  "time_stamp":"2024-07-21 10:00:00","request_id":"abc"}})";

} // namespace

TEST(OrderParse, WrappedShape) {
    auto r = OrderApi::parseOrder(parse(kOrderWrapped));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    const OrderDetail& o = r.value();
    EXPECT_EQ(o.orderId, 3000000000104729);
    EXPECT_EQ(o.orderStatus, "IN_ISSUE");
    EXPECT_EQ(o.logisticsStatus, "SELLER_SEND_GOODS");
    EXPECT_EQ(o.receiptCountry, "BR");
    EXPECT_EQ(o.createdAtMs, 1719853200000);  // 10:00 PDT = 17:00 UTC
    EXPECT_EQ(o.paidAtMs, 1705336200000);     // "HH:mm" as in the published samples: 08:30 PST
    ASSERT_EQ(o.logistics.size(), 2u);
    EXPECT_EQ(o.logistics[0].trackingNumber, "");
    EXPECT_EQ(o.logistics[0].haveTrackingInfo, false);
    const OrderLogistics& p = o.logistics[1];
    EXPECT_EQ(p.trackingNumber, "LP00123456789012");
    EXPECT_EQ(p.serviceName, "AliExpress Standard Shipping");
    EXPECT_EQ(p.serviceCode, "CAINIAO_STANDARD");
    EXPECT_EQ(p.receiveStatus, "received");
    EXPECT_EQ(p.haveTrackingInfo, true);
    EXPECT_EQ(p.shippedAtMs, 1720026000000);
    EXPECT_EQ(p.receivedAtMs, 1721502000000);
    ASSERT_EQ(o.childOrderIds.size(), 1u);
    EXPECT_EQ(o.childOrderIds[0], 8100000000104730);
}

TEST(OrderParse, SimplifiedShapeAndEmptyLists) {
    auto r = OrderApi::parseOrder(parse(R"({"target":{"id":"3000000000000001","logistic_info_list":[
        {"logistics_no":"UG123456789YP","logistics_type_code":"YANWEN_JYT","gmt_send":""}],
        "child_order_list":{}},"request_id":"x"})"));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value().orderId, 3000000000000001);
    ASSERT_EQ(r.value().logistics.size(), 1u);
    EXPECT_FALSE(r.value().logistics[0].shippedAtMs.has_value());
    EXPECT_TRUE(r.value().childOrderIds.empty());
    EXPECT_TRUE(r.value().receiptCountry.empty());
}

TEST(OrderParse, MalformedAnswersNameWhatWasExpected) {
    auto noTarget = OrderApi::parseOrder(parse(R"({"aliexpress_trade_new_redefining_findorderbyid_response":{"request_id":"x"}})"));
    ASSERT_FALSE(noTarget.ok());
    EXPECT_EQ(noTarget.error().kind, ErrorKind::Malformed);
    EXPECT_NE(noTarget.error().detail.find("expected target"), std::string::npos) << noTarget.error().detail;

    auto badId = OrderApi::parseOrder(parse(R"({"target":{"id":"abc"}})"));
    ASSERT_FALSE(badId.ok());
    EXPECT_NE(badId.error().detail.find("expected id as integer, got \"abc\""), std::string::npos);

    auto badTime = OrderApi::parseOrder(parse(R"({"target":{"id":1,"gmt_create":"yesterday"}})"));
    ASSERT_FALSE(badTime.ok());
    EXPECT_NE(badTime.error().detail.find("gmt_create"), std::string::npos);

    // A tracking number the module would send back and show: bounded, printable.
    auto longNumber = OrderApi::parseOrder(parse(R"({"target":{"id":1,"logistic_info_list":[{"logistics_no":")" +
                                                 std::string(65, '9') + R"("}]}})"));
    ASSERT_FALSE(longNumber.ok());
    EXPECT_NE(longNumber.error().detail.find("expected logistics_no as at most 64"), std::string::npos);
    auto controlChar = OrderApi::parseOrder(parse(R"({"target":{"id":1,"logistic_info_list":[{"logistics_no":"LP\n01"}]}})"));
    ASSERT_FALSE(controlChar.ok());
    EXPECT_EQ(controlChar.error().kind, ErrorKind::Malformed);

    std::string many = R"({"target":{"id":1,"logistic_info_list":[)";
    for (int i = 0; i < 21; ++i) many += std::string(i ? "," : "") + R"({"logistics_no":"N)" + std::to_string(i) + "\"}";
    many += "]}}";
    auto tooMany = OrderApi::parseOrder(parse(many));
    ASSERT_FALSE(tooMany.ok());
    EXPECT_NE(tooMany.error().detail.find("at most 20 items in logistic_info_list, got 21"), std::string::npos);

    auto notAList = OrderApi::parseOrder(parse(R"({"target":{"id":1,"logistic_info_list":"LP001"}})"));
    ASSERT_FALSE(notAList.ok());
    EXPECT_EQ(notAList.error().kind, ErrorKind::Malformed);
}

TEST(OrderParse, RefusalInsideTheEnvelopeIsRejected) {
    auto r = OrderApi::parseOrder(parse(R"({"aliexpress_trade_new_redefining_findorderbyid_response":{
        "success":false,"error_code":"F00-10-10000-001","error_message":"order not found","request_id":"x"}})"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Rejected);
    EXPECT_EQ(r.error().code, "F00-10-10000-001");
    EXPECT_NE(r.error().message.find("order not found"), std::string::npos);
}

TEST(TrackingParse, WrappedDetailsNewestFirstWithSignature) {
    auto r = OrderApi::parseTracking(parse(R"({"aliexpress_logistics_redefining_querytrackingresult_response":{
        "details":{"details":[
          {"event_date":"2024-07-03 12:00:00","event_desc":"Accepted by carrier","address":"Shenzhen, CN","status":"PU_PICKUP_SUCCESS"},
          {"event_date":"2024-07-20 12:00:00","event_desc":"Delivered","address":"São Paulo, BR","signed_name":"M. SILVA","status":"GTMS_SIGNED"},
          {"event_date":"2024-07-10 08:00","event_desc":"Arrived at destination country","address":"","status":"LH_ARRIVE"}]},
        "official_website":"https://global.cainiao.com/","result_success":true,"request_id":"x"}})"));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    const TrackingResult& t = r.value();
    EXPECT_TRUE(t.found);
    EXPECT_EQ(t.officialWebsite, "https://global.cainiao.com/");
    ASSERT_EQ(t.events.size(), 3u);
    EXPECT_EQ(t.events[0].description, "Delivered");
    EXPECT_EQ(t.events[0].signedName, "M. SILVA");
    EXPECT_EQ(t.events[0].status, "GTMS_SIGNED");
    EXPECT_EQ(t.events[0].atMs, 1721502000000);
    EXPECT_EQ(t.events[1].status, "LH_ARRIVE");
    EXPECT_EQ(t.events[2].address, "Shenzhen, CN");
    EXPECT_EQ(t.eventsDropped, 0u);
}

TEST(TrackingParse, NothingFromTheCarrierIsAnAnswer) {
    auto r = OrderApi::parseTracking(parse(R"({"aliexpress_logistics_redefining_querytrackingresult_response":{
        "details":{},"error_desc":"No tracking information","result_success":false,"request_id":"x"}})"));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_FALSE(r.value().found);
    EXPECT_EQ(r.value().errorDesc, "No tracking information");
    EXPECT_TRUE(r.value().events.empty());

    // Simplified, with an empty list.
    auto s = OrderApi::parseTracking(parse(R"({"details":[],"result_success":"true"})"));
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_TRUE(s.value().found);

    auto neither = OrderApi::parseTracking(parse(R"({"request_id":"x"})"));
    ASSERT_FALSE(neither.ok());
    EXPECT_NE(neither.error().detail.find("expected result_success as boolean"), std::string::npos);
}

TEST(TrackingParse, HugeAnswersAreBounded) {
    auto answer = [](int n, const std::string& desc) {
        std::string s = R"({"details":[)";
        for (int i = 0; i < n; ++i) {
            char date[32];
            std::snprintf(date, sizeof date, "2024-%02d-%02d 10:00:00", 1 + (i / 28) % 12, 1 + i % 28);
            s += std::string(i ? "," : "") + R"({"event_date":")" + date + R"(","event_desc":")" + desc + "\"}";
        }
        return s + R"(],"result_success":true})";
    };
    auto tooMany = OrderApi::parseTracking(parse(answer(501, "x")));
    ASSERT_FALSE(tooMany.ok());
    EXPECT_NE(tooMany.error().detail.find("at most 500 items in details, got 501"), std::string::npos);

    auto r = OrderApi::parseTracking(parse(answer(150, std::string(5000, 'a'))));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value().events.size(), OrderApi::kMaxEventsKept);
    EXPECT_EQ(r.value().eventsDropped, 50u);
    for (const auto& e : r.value().events) EXPECT_LE(e.description.size(), OrderApi::kMaxDescriptionBytes);
    for (std::size_t i = 1; i < r.value().events.size(); ++i)
        EXPECT_GE(*r.value().events[i - 1].atMs, *r.value().events[i].atMs);
}

TEST(TrackingParse, UnreadableEventTimesAreKeptAsText) {
    auto r = OrderApi::parseTracking(parse(R"({"details":[
        {"event_date":"03/07/2024 10:00","event_desc":"Posted\u0007 <b>now</b>"},
        {"event_date":"2024-07-01 10:00:00","event_desc":"Older"}],"result_success":true})"));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(r.value().events.size(), 2u);
    EXPECT_EQ(r.value().events[0].description, "Older");  // timed events first
    EXPECT_FALSE(r.value().events[1].atMs.has_value());
    EXPECT_EQ(r.value().events[1].atText, "03/07/2024 10:00");
    EXPECT_EQ(r.value().events[1].description, "Posted <b>now</b>");  // control character cleaned, markup left to the escaper
}

TEST(OrderApiCalls, SendTheDocumentedParametersAndMapErrors) {
    auto t = std::make_shared<FakeTransport>();
    IopConfig c;
    c.appKey = "k";
    c.appSecret = "s";
    c.accessToken = "t";
    IopClient client(c, t, [] { return std::int64_t{1717171717000}; }, RetryPolicy::none());
    OrderApi api(client);

    t->answer(200, kOrderWrapped);
    ASSERT_TRUE(api.findOrder(3000000000104729).ok());
    t->answer(200, R"({"aliexpress_logistics_redefining_querytrackingresult_response":{"details":{},"result_success":true}})");
    TrackingQuery q;
    q.serviceName = "CAINIAO_STANDARD";
    q.trackingNumber = "LP00123456789012";
    q.toArea = "BR";
    q.outRef = "3000000000104729";
    ASSERT_TRUE(api.queryTracking(q).ok());
    t->answer(200, R"({"error_response":{"type":"ISP","code":"ApiCallLimit","msg":"App Call Limited",
        "sub_msg":"This ban will last 2 seconds","request_id":"x"}})");
    auto limited = api.findOrder(1);
    ASSERT_FALSE(limited.ok());
    EXPECT_EQ(limited.error().kind, ErrorKind::RateLimited);
    t->answer(200, "<html>502</html>");
    auto html = api.findOrder(1);
    ASSERT_FALSE(html.ok());
    EXPECT_EQ(html.error().kind, ErrorKind::Malformed);

    TrackingQuery incomplete = q;
    incomplete.toArea.clear();
    auto refused = api.queryTracking(incomplete);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "missing_parameter");
    EXPECT_EQ(t->requests.size(), 4u);  // nothing sent for it

    auto fields = [&](std::size_t i) {
        std::map<std::string, std::string> m;
        for (auto& [k, v] : t->requests[i].fields) m[k] = v;
        return m;
    };
    EXPECT_EQ(fields(0)["method"], "aliexpress.trade.new.redefining.findorderbyid");
    EXPECT_EQ(fields(0)["param1"], R"({"order_id":3000000000104729})");
    EXPECT_EQ(fields(1)["method"], "aliexpress.logistics.redefining.querytrackingresult");
    EXPECT_EQ(fields(1)["service_name"], "CAINIAO_STANDARD");
    EXPECT_EQ(fields(1)["logistics_no"], "LP00123456789012");
    EXPECT_EQ(fields(1)["to_area"], "BR");
    EXPECT_EQ(fields(1)["origin"], "ESCROW");
    EXPECT_EQ(fields(1)["out_ref"], "3000000000104729");
}
