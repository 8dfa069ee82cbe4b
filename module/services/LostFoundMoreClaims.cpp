#include "services/LostFoundMoreClaims.h"

#include <algorithm>
#include <type_traits>

#include <sac/amazon/FeeOverchargeDetector.h>
#include <sac/amazon/FeePreviewReport.h>
#include <sac/amazon/InboundShortageDetector.h>
#include <sac/amazon/RemovalLossDetector.h>
#include <sac/amazon/RemovalReports.h>
#include <sac/module_api.h>

namespace sac::services {
namespace {

using connectors::ErrorKind;

constexpr std::int64_t kDayMs = 86'400'000;
/// Issues written to the log per source (the count goes to the run's progress).
constexpr std::size_t kLoggedIssues = 20;

} // namespace

std::string moreReportName(std::string_view type) {
    if (type == amazon::RemovalOrderDetailReport::kReportType) return "pedidos de remoção";
    if (type == amazon::RemovalShipmentDetailReport::kReportType) return "remessas de remoção";
    if (type == amazon::FeePreviewReport::kReportType) return "prévia de tarifas";
    return {};
}

namespace {

struct Context {
    const MoreClaimsRun& run;
    MoreClaimsResult& out;

    bool going() const { return !run.going || run.going(); }
    void stage(const char* s, std::string_view what, std::int64_t rows) const {
        if (run.setStage) run.setStage(s, what, rows);
    }
    void log(int level, const std::string& line) const {
        if (run.log) run.log(level, line);
    }
    std::string said(const connectors::MarketplaceError& e) const {
        return run.sellerMessage ? run.sellerMessage(e) : e.message;
    }
    /// A marketplace call of one claim type failed: the type is left out and `sentence`
    /// tells the seller; a refused authorization fails the run instead.
    void failed(const std::string& what, const connectors::MarketplaceError& e, const std::string& sentence) {
        log(SAC_LOG_WARNING, "sac: lost & found: " + what + " failed: " + e.describe());
        if (e.kind == ErrorKind::TokenExpired) {
            if (!out.refusedAuthorization) out.refusedAuthorization = e;
            return;
        }
        out.warnings.push_back(sentence);
    }
    template <typename Issues>
    void issues(const std::string& source, const Issues& list) {
        out.unreadableRows += static_cast<std::int64_t>(list.size());
        std::size_t n = 0;
        for (const auto& i : list) {
            if (++n > kLoggedIssues) break;
            if constexpr (std::is_same_v<std::decay_t<decltype(i)>, std::string>)
                log(SAC_LOG_WARNING, "sac: lost & found: " + source + " entry skipped: " + i);
            else
                log(SAC_LOG_WARNING, "sac: lost & found: " + source + " row skipped: " + i.message);
        }
    }
    /// A report of the run's range; nullopt when not read (the seller told when needed).
    std::optional<std::string> report(std::string_view type, const std::string& leftOut) {
        std::string why;
        std::optional<std::string> bytes;
        if (run.fetchReport) bytes = run.fetchReport(type, why);
        if (bytes && bytes->empty()) return std::nullopt; // no rows (Amazon cancels an empty report)
        if (!bytes && !why.empty())
            out.warnings.push_back("O relatório de " + moreReportName(type) + " da Amazon não pôde ser lido (" + why +
                                   "); " + leftOut);
        return bytes;
    }
};

void inboundShortages(Context& cx) {
    const MoreClaimsRun& run = cx.run;
    if (!run.inbound || !cx.going()) return;
    const amazon::ClaimWindow w = run.windows->inboundShortage;
    const std::string leftOut = "faltas em remessas para a Amazon não foram buscadas.";
    const std::int64_t from = run.nowMs - static_cast<std::int64_t>(w.maxDays) * kDayMs;
    const std::int64_t to = run.nowMs - static_cast<std::int64_t>(w.minDays) * kDayMs;
    cx.stage("requesting", kInboundShipmentsStage, -1);
    auto listed = run.inbound->shipmentsUpdatedIn(run.marketplaceId, {"CLOSED"}, from, to);
    if (!cx.going()) return;
    if (!listed) {
        cx.failed("inbound shipments", listed.error(),
                  "As remessas para a Amazon não puderam ser lidas (" + cx.said(listed.error()) + "); " + leftOut);
        return;
    }
    cx.issues("getShipments", listed.value().issues);
    amazon::InboundShortageInputs in;
    bool itemsMissing = false;
    for (const auto& s : listed.value().shipments) {
        if (!cx.going()) return;
        auto items = run.inbound->items(s.shipmentId, run.marketplaceId);
        if (!cx.going()) return;
        if (!items) {
            // This shipment's items are unknown: it makes no candidate.
            cx.log(SAC_LOG_WARNING, "sac: lost & found: items of inbound shipment " + s.shipmentId +
                                        " failed: " + items.error().describe());
            if (items.error().kind == ErrorKind::TokenExpired) {
                cx.failed("inbound shipment items", items.error(), leftOut);
                return;
            }
            if (!itemsMissing)
                cx.out.warnings.push_back("Os itens de algumas remessas para a Amazon não puderam ser lidos (" +
                                          cx.said(items.error()) + "); essas remessas não foram verificadas.");
            itemsMissing = true;
            continue;
        }
        cx.issues("getShipmentItems", items.value().issues);
        in.shipments.push_back({s, std::move(items.value().items)});
    }
    cx.stage("reading", kInboundShipmentsStage, static_cast<std::int64_t>(in.shipments.size()));
    in.reimbursements = run.inputs->reimbursements;
    in.reimbursementsRead = run.inputs->read.reimbursements;
    in.unitValues = run.inputs->unitValues;
    in.nowMs = run.nowMs;
    auto found = amazon::InboundShortageDetector(w).detect(in);
    for (auto& c : found) cx.out.candidates.push_back(std::move(c));
}

void removalLosses(Context& cx) {
    const MoreClaimsRun& run = cx.run;
    if (!cx.going()) return;
    const std::string leftOut = "perdas em pedidos de remoção não foram buscadas.";
    auto orderBytes = cx.report(amazon::RemovalOrderDetailReport::kReportType, leftOut);
    if (!orderBytes || !cx.going()) return;  // no order rows: nothing to claim
    auto orders = amazon::RemovalOrderDetailReport::parse(*orderBytes);
    orderBytes.reset();
    if (!orders) {
        cx.log(SAC_LOG_WARNING, "sac: lost & found: " + std::string(amazon::RemovalOrderDetailReport::kReportType) +
                                    " unreadable: " + orders.error().describe());
        cx.out.warnings.push_back("O relatório de pedidos de remoção da Amazon não pôde ser lido (" +
                                  orders.error().message + "); " + leftOut);
        return;
    }
    cx.stage("reading", amazon::RemovalOrderDetailReport::kReportType,
             static_cast<std::int64_t>(orders.value().rows.size()));
    cx.issues(std::string(amazon::RemovalOrderDetailReport::kReportType), orders.value().issues);

    amazon::RemovalLossInputs in;
    in.orders = std::move(orders.value().rows);
    in.shipmentsFromMs = run.nowMs - static_cast<std::int64_t>(run.historyDays) * kDayMs;
    // Without the shipment report only the units Amazon never shipped count.
    const std::string shipmentsLeftOut = "unidades enviadas sem remessa registrada não foram buscadas.";
    if (!in.orders.empty() && cx.going()) {
        if (auto shipBytes = cx.report(amazon::RemovalShipmentDetailReport::kReportType, shipmentsLeftOut)) {
            auto shipments = amazon::RemovalShipmentDetailReport::parse(*shipBytes);
            if (!shipments) {
                cx.log(SAC_LOG_WARNING, "sac: lost & found: " +
                                            std::string(amazon::RemovalShipmentDetailReport::kReportType) +
                                            " unreadable: " + shipments.error().describe());
                cx.out.warnings.push_back("O relatório de remessas de remoção da Amazon não pôde ser lido (" +
                                          shipments.error().message + "); " + shipmentsLeftOut);
            } else {
                cx.stage("reading", amazon::RemovalShipmentDetailReport::kReportType,
                         static_cast<std::int64_t>(shipments.value().rows.size()));
                cx.issues(std::string(amazon::RemovalShipmentDetailReport::kReportType), shipments.value().issues);
                in.shipments = std::move(shipments.value().rows);
                // An empty report says nothing about the orders' shipments.
                in.shipmentsRead = !in.shipments.empty() && shipments.value().issues.empty();
            }
        }
    }
    if (!cx.going()) return;
    in.reimbursements = run.inputs->reimbursements;
    in.reimbursementsRead = run.inputs->read.reimbursements;
    in.unitValues = run.inputs->unitValues;
    in.nowMs = run.nowMs;
    auto found = amazon::RemovalLossDetector(run.windows->removalLost).detect(in);
    for (auto& c : found) cx.out.candidates.push_back(std::move(c));
}

void feeOvercharges(Context& cx) {
    const MoreClaimsRun& run = cx.run;
    if (!run.fees || !cx.going()) return;
    const amazon::ClaimWindow w = run.windows->feeOvercharge;
    const std::string leftOut = "tarifas de logística cobradas a mais não foram buscadas.";
    auto previewBytes = cx.report(amazon::FeePreviewReport::kReportType, leftOut);
    if (!previewBytes || !cx.going()) return;
    auto preview = amazon::FeePreviewReport::parse(*previewBytes);
    previewBytes.reset();
    if (!preview) {
        cx.log(SAC_LOG_WARNING, "sac: lost & found: " + std::string(amazon::FeePreviewReport::kReportType) +
                                    " unreadable: " + preview.error().describe());
        cx.out.warnings.push_back("O relatório de prévia de tarifas da Amazon não pôde ser lido (" +
                                  preview.error().message + "); " + leftOut);
        return;
    }
    cx.stage("reading", amazon::FeePreviewReport::kReportType, static_cast<std::int64_t>(preview.value().rows.size()));
    cx.issues(std::string(amazon::FeePreviewReport::kReportType), preview.value().issues);
    if (preview.value().rows.empty()) return;

    const std::int64_t after = run.nowMs - static_cast<std::int64_t>(w.maxDays) * kDayMs;
    const std::int64_t before = std::min(run.nowMs - static_cast<std::int64_t>(w.minDays) * kDayMs,
                                         run.nowMs - run.postedBeforeMarginMs);
    if (after >= before) return;
    cx.stage("requesting", kFeeChargesStage, -1);
    auto charges = run.fees->fees(after, before);
    if (!cx.going()) return;
    if (!charges) {
        cx.failed("fulfillment fees", charges.error(),
                  "As tarifas de logística cobradas não puderam ser lidas (" + cx.said(charges.error()) + "); " +
                      leftOut);
        return;
    }
    cx.stage("reading", kFeeChargesStage, static_cast<std::int64_t>(charges.value().charges.size()));
    cx.issues("listFinancialEvents (fees)", charges.value().issues);
    amazon::FeeOverchargeInputs in;
    in.preview = std::move(preview.value().rows);
    in.charges = std::move(charges.value().charges);
    in.reimbursements = run.inputs->reimbursements;
    in.reimbursementsRead = run.inputs->read.reimbursements;
    in.nowMs = run.nowMs;
    auto found = amazon::FeeOverchargeDetector(w).detect(in);
    for (auto& c : found) cx.out.candidates.push_back(std::move(c));
}

} // namespace

MoreClaimsResult findMoreClaims(const MoreClaimsRun& run) {
    MoreClaimsResult out;
    if (!run.windows || !run.inputs) return out;
    Context cx{run, out};
    // Each type is checked only with Amazon's reimbursements read: without them a unit
    // Amazon already paid for would be claimed again.
    if (!run.inputs->read.reimbursements) {
        out.warnings.push_back("Sem o relatório de reembolsos, faltas em remessas, perdas em remoções e tarifas "
                               "cobradas a mais não foram buscadas.");
        return out;
    }
    inboundShortages(cx);
    if (!out.refusedAuthorization) removalLosses(cx);
    if (!out.refusedAuthorization) feeOvercharges(cx);
    std::sort(out.candidates.begin(), out.candidates.end(),
              [](const amazon::ClaimCandidate& a, const amazon::ClaimCandidate& b) { return a.key < b.key; });
    return out;
}

} // namespace sac::services
