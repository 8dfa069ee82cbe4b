// The order evidence's rules (domain::classify, services::evidenceFrom) and
// its section of the "Lide com" dialog.
#include <gtest/gtest.h>

#include <sac/test/TestDatabase.h>

#include "domain/OrderEvidence.h"
#include "services/OrderEvidenceSync.h"
#include "storage/OrderEvidenceRepository.h"
#include "web/CaseDialogView.h"
#include "web/TemplateEngine.h"

namespace sac {
namespace {

using domain::TrackingState;

constexpr std::int64_t kDay = 24LL * 3600 * 1000;
constexpr std::int64_t kNow = 1'750'000'000'000;

aliexpress::OrderDetail order(const std::string& number) {
    aliexpress::OrderDetail o;
    o.orderId = 3000000000104729;
    o.orderStatus = "IN_ISSUE";
    o.logisticsStatus = "SELLER_SEND_GOODS";
    o.receiptCountry = "BR";
    aliexpress::OrderLogistics l;
    l.trackingNumber = number;
    l.serviceName = "AliExpress Standard Shipping";
    l.serviceCode = "CAINIAO_STANDARD";
    l.shippedAtMs = kNow - 30 * kDay;
    l.receiveStatus = "default";
    o.logistics.push_back(l);
    return o;
}

aliexpress::TrackingEvent event(std::int64_t at, const std::string& desc, const std::string& status,
                                const std::string& signer = {}) {
    aliexpress::TrackingEvent e;
    e.atMs = at;
    e.description = desc;
    e.status = status;
    e.signedName = signer;
    return e;
}

TEST(TrackingState, CodesRoundTrip) {
    for (auto s : {TrackingState::Unknown, TrackingState::NoTracking, TrackingState::InTransit, TrackingState::Delivered,
                   TrackingState::Stalled})
        EXPECT_EQ(domain::parseTrackingState(domain::toCode(s)), s);
    EXPECT_FALSE(domain::parseTrackingState("lost").has_value());
    EXPECT_EQ(domain::toCode(TrackingState::NoTracking), "no_tracking");
}

TEST(TrackingState, ClassifyFollowsTheEvidence) {
    domain::OrderEvidence e;
    EXPECT_EQ(domain::classify(e, kNow), TrackingState::Unknown) << "never read";
    e.fetchedAt = kNow;
    EXPECT_EQ(domain::classify(e, kNow), TrackingState::NoTracking);
    e.trackingNumber = "LP001";
    e.shippedAt = kNow - 3 * kDay;
    EXPECT_EQ(domain::classify(e, kNow), TrackingState::InTransit);
    e.shippedAt = kNow - 25 * kDay;
    EXPECT_EQ(domain::classify(e, kNow), TrackingState::Stalled) << "shipped long ago, no event";
    e.events.push_back({kNow - 2 * kDay, "", "Arrived", "", "", "LH_ARRIVE"});
    EXPECT_EQ(domain::classify(e, kNow), TrackingState::InTransit) << "the newest event counts";
    EXPECT_EQ(domain::classify(e, kNow + 17 * kDay), TrackingState::InTransit);
    EXPECT_EQ(domain::classify(e, kNow - 2 * kDay + domain::kStalledAfterMs), TrackingState::Stalled)
        << "a package stalls as time passes, without a new read";
    e.deliveredAt = kNow - kDay;
    EXPECT_EQ(domain::classify(e, kNow + 60 * kDay), TrackingState::Delivered);
}

TEST(EvidenceFrom, DeliveredByTheCarriersSignedEvent) {
    aliexpress::TrackingResult t;
    t.found = true;
    t.officialWebsite = "https://global.cainiao.com/";
    t.events = {event(kNow - 5 * kDay, "Delivered", "GTMS_SIGNED", "M. SILVA"),
                event(kNow - 6 * kDay, "Out for delivery", "GTMS_DELIVERING"),
                event(kNow - 29 * kDay, "Accepted", "PU_PICKUP_SUCCESS")};
    const auto e = services::evidenceFrom(order("LP00123456789012"), t, kNow);
    EXPECT_EQ(e.state, TrackingState::Delivered);
    EXPECT_EQ(e.deliveredAt, kNow - 5 * kDay);
    EXPECT_EQ(e.signedBy, "M. SILVA");
    EXPECT_EQ(e.carrier, "AliExpress Standard Shipping");
    EXPECT_EQ(e.carrierCode, "CAINIAO_STANDARD");
    EXPECT_EQ(e.trackingNumber, "LP00123456789012");
    EXPECT_EQ(e.shippedAt, kNow - 30 * kDay);
    EXPECT_EQ(e.orderId, "3000000000104729");
    EXPECT_EQ(e.events.size(), 3u);
    EXPECT_EQ(e.fetchedAt, kNow);
    EXPECT_EQ(e.carrierWebsite, "https://global.cainiao.com/");
}

TEST(EvidenceFrom, ThePlatformsReceiptCountsUnlessItSaysNotReceived) {
    auto o = order("LP1");
    o.logistics[0].receivedAtMs = kNow - 4 * kDay;
    o.logistics[0].receiveStatus = "received";
    EXPECT_EQ(services::evidenceFrom(o, std::nullopt, kNow).state, TrackingState::Delivered);
    o.logistics[0].receiveStatus = "not_received";
    const auto e = services::evidenceFrom(o, std::nullopt, kNow);
    EXPECT_FALSE(e.deliveredAt.has_value());
    EXPECT_EQ(e.state, TrackingState::Stalled);
}

TEST(EvidenceFrom, ThePackageWithATrackingNumberIsTheOneShown) {
    auto o = order("");
    EXPECT_EQ(services::evidenceFrom(o, std::nullopt, kNow).state, TrackingState::NoTracking);
    aliexpress::OrderLogistics tracked = o.logistics[0];
    tracked.trackingNumber = "UG123456789YP";
    tracked.serviceCode = "YANWEN_JYT";
    tracked.shippedAtMs = kNow - 2 * kDay;
    o.logistics.push_back(tracked);
    const auto e = services::evidenceFrom(o, std::nullopt, kNow);
    EXPECT_EQ(e.trackingNumber, "UG123456789YP");
    EXPECT_EQ(e.packages, 2);
    EXPECT_EQ(e.state, TrackingState::InTransit);
    // An answer without events from the carrier (result_success false) leaves them out.
    aliexpress::TrackingResult nothing;
    nothing.found = false;
    nothing.events = {event(kNow, "ignored", "GTMS_SIGNED", "X")};
    EXPECT_TRUE(services::evidenceFrom(o, nothing, kNow).events.empty());
}

TEST(EvidenceEvents, StoredAsBoundedJson) {
    std::vector<domain::TrackingEventRecord> events;
    for (int i = 0; i < 120; ++i)
        events.push_back({kNow - i * kDay, "", "step \"" + std::to_string(i) + "\" <b>", "Curitiba, BR", "", "LH"});
    events[3].atMs.reset();
    events[3].atText = "03/07/2024";
    const std::string json = storage::OrderEvidenceRepository::eventsToJson(events);
    const auto back = storage::OrderEvidenceRepository::eventsFromJson(json);
    ASSERT_EQ(back.size(), domain::OrderEvidence::kMaxEvents);
    EXPECT_EQ(back[0].atMs, kNow);
    EXPECT_EQ(back[0].description, "step \"0\" <b>");
    EXPECT_FALSE(back[3].atMs.has_value());
    EXPECT_EQ(back[3].atText, "03/07/2024");
    EXPECT_TRUE(storage::OrderEvidenceRepository::eventsFromJson("not json").empty());
}

class EvidenceSection : public testing::Test {
protected:
    void SetUp() override {
        auto loaded = web::TemplateEngine::load(test::sourcePath("ui-templates"));
        ASSERT_TRUE(loaded) << loaded.error();
        engine = std::move(loaded.value());
        c.id = 5;
        c.externalId = "6346213853171470";
        c.status = domain::CaseStatus::Pendente;
    }

    std::string render(std::optional<domain::OrderEvidence> e, const std::string& locale = "pt-BR") {
        web::CaseDialogModel m;
        m.c = &c;
        m.orderEvidence = std::move(e);
        m.now = kNow;
        m.offsetMinutes = -180;
        m.locale = locale;
        return engine->render("case_dialog", web::caseDialogData(m, engine->catalog()), locale);
    }

    domain::Case c;
    std::unique_ptr<web::TemplateEngine> engine;
};

TEST_F(EvidenceSection, ShowsTheTrackingOfADeliveredOrder) {
    aliexpress::TrackingResult t;
    t.found = true;
    t.officialWebsite = "javascript:alert(1)";
    t.events = {event(1'749'900'000'000, "Delivered <script>x</script>", "GTMS_SIGNED", "M. SILVA"),
                event(1'749'000'000'000, "Accepted", "PU_PICKUP_SUCCESS")};
    auto e = services::evidenceFrom(order("LP00123456789012"), t, kNow);
    const std::string html = render(e);
    EXPECT_NE(html.find("data-sac-evidence=\"delivered\""), std::string::npos);
    EXPECT_NE(html.find("Evidências do pedido e do envio"), std::string::npos);
    EXPECT_NE(html.find(">Entregue<"), std::string::npos);
    EXPECT_NE(html.find("LP00123456789012"), std::string::npos);
    EXPECT_NE(html.find("AliExpress Standard Shipping"), std::string::npos);
    EXPECT_NE(html.find("14/06/2025 08:20"), std::string::npos) << "delivery time in the display zone, pt-BR";
    EXPECT_NE(html.find("M. SILVA"), std::string::npos);
    EXPECT_EQ(html.find("<script>x"), std::string::npos) << "carrier text is escaped";
    EXPECT_NE(html.find("Delivered &lt;script&gt;x"), std::string::npos);
    EXPECT_EQ(html.find("javascript:"), std::string::npos) << "an unsafe carrier site is not linked";
    const std::string en = render(e, "en");
    EXPECT_NE(en.find("Order and shipping evidence"), std::string::npos);
    EXPECT_NE(en.find("2025-06-14 08:20"), std::string::npos);
}

TEST_F(EvidenceSection, SaysWhenThereIsNothingYetOrTheLastReadFailed) {
    std::string html = render(std::nullopt);
    EXPECT_NE(html.find("data-sac-evidence=\"unknown\""), std::string::npos);
    EXPECT_NE(html.find("A próxima sincronização busca o pedido"), std::string::npos);

    auto e = services::evidenceFrom(order(""), std::nullopt, kNow - kDay);
    e.lastError = "Timeout: deadline";
    e.attemptedAt = kNow;
    html = render(e);
    EXPECT_NE(html.find("data-sac-evidence=\"no_tracking\""), std::string::npos);
    EXPECT_NE(html.find("falhou; estes são os dados anteriores"), std::string::npos);
    EXPECT_EQ(html.find("Timeout: deadline"), std::string::npos) << "the log's words stay in the log";

    c.kind = domain::CaseKind::LostInventory;
    c.marketplace = domain::Marketplace::Amazon;
    html = render(std::nullopt);
    EXPECT_EQ(html.find("data-sac-evidence"), std::string::npos) << "only disputes have an order";
}

} // namespace
} // namespace sac
