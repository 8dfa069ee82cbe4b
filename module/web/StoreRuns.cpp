#include "web/StoreRuns.h"

#include <charconv>
#include <sstream>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include "Module.h"
#include "web/Json.h"
#include "storage/StoreRepository.h"

namespace sac::web {
namespace {

constexpr std::size_t kMaxJsonBody = 4096;
constexpr const char* kPoolBusy = "O servidor está ocupado agora; tente de novo em alguns minutos.";

std::optional<std::int64_t> positiveId(const std::string& text) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v <= 0) return std::nullopt;
    return v;
}

void addError(Poco::JSON::Array& errors, std::optional<std::int64_t> storeId, const std::string& message) {
    Poco::JSON::Object e;
    if (storeId) e.set("store_id", *storeId);
    e.set("message", message);
    errors.add(e);
}

} // namespace

std::string StartedRuns::json() const {
    Poco::JSON::Object o;
    o.set("runs", runs);
    o.set("errors", errors);
    return stringify(o);
}

domain::Result<std::optional<std::int64_t>> requestedStoreId(const Request& req) {
    using R = domain::Result<std::optional<std::int64_t>>;
    std::string text = req.form("store_id").value_or("");
    const std::string_view body = req.body();
    if (text.empty() && !body.empty() && body.front() == '{') {
        if (body.size() > kMaxJsonBody)
            return R::fail("expected a small JSON body, got more than " + std::to_string(kMaxJsonBody) + " bytes");
        try {
            auto o = Poco::JSON::Parser().parse(std::string(body)).extract<Poco::JSON::Object::Ptr>();
            if (o->has("store_id")) text = o->get("store_id").toString();
        } catch (const std::exception&) {
            return R::fail("expected a JSON object like {\"store_id\": 1}, got malformed JSON");
        }
    }
    if (text.empty()) return R::ok(std::nullopt);
    auto id = positiveId(text);
    if (!id) return R::fail("expected store_id as a positive integer, got \"" + text.substr(0, 40) + "\"");
    return R::ok(id);
}

StartedRuns startStoreRuns(Module& m, const Request& req, std::optional<std::int64_t> storeId,
                           domain::Marketplace marketplace, const std::string& noStoreMessage,
                           const std::string& jobName, const BeginRunFn& begin, const RunFn& run,
                           const AbandonFn& abandon) {
    StartedRuns out;
    const auto& user = req.user();
    std::vector<std::int64_t> storeIds;
    {
        auto conn = m.database()->acquire();
        storage::StoreRepository repo(*conn);
        if (storeId) {
            if (!repo.find(*storeId, user.accountId)) {
                addError(out.errors, storeId, "Loja não encontrada.");
                return out;
            }
            storeIds.push_back(*storeId); // begin() says why a store of another kind cannot run
        } else {
            for (const auto& s : repo.listByAccount(user.accountId))
                if (s.marketplace == marketplace && s.status != domain::StoreStatus::Disabled) storeIds.push_back(s.id);
        }
    }
    if (storeIds.empty()) addError(out.errors, std::nullopt, noStoreMessage);
    for (const auto id : storeIds) {
        auto begun = begin(user.accountId, id, user.userId);
        if (!begun) {
            addError(out.errors, id, begun.error());
            continue;
        }
        const std::int64_t runId = begun.value();
        const std::int64_t accountId = user.accountId;
        if (!m.submitJob(jobName, [run, accountId, runId] { run(accountId, runId); })) {
            m.log(SAC_LOG_WARNING, "sac: job pool refused " + jobName + " run " + std::to_string(runId));
            abandon(accountId, runId, kPoolBusy);
            addError(out.errors, id, kPoolBusy);
            out.refused = true;
            continue;
        }
        Poco::JSON::Object r;
        r.set("store_id", id);
        r.set("run_id", runId);
        out.runs.add(r);
        out.any = true;
    }
    return out;
}

} // namespace sac::web
