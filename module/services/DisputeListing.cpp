#include "services/DisputeListing.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <sac/aliexpress/IssueApi.h>

namespace sac::services {
namespace {

using aliexpress::IssueApi;
using aliexpress::IssuePage;
using aliexpress::IssueSummary;
using connectors::ErrorKind;
using connectors::MarketplaceError;

constexpr const char* kStatuses[] = {"processing", "canceled_issue", "finish"};
constexpr auto kProgressEvery = std::chrono::milliseconds(1000);

MarketplaceError stopped() {
    return MarketplaceError::make(ErrorKind::Transient, "stopped", "The listing was stopped.", "stop requested");
}

std::int64_t modifiedOf(const ListedDispute& s) { return s.modifiedAtMs; }
std::int64_t createdOf(const ListedDispute& s) { return s.createdAtMs; }

/// Keeps the row with the latest gmt_modified (the later-seen one on a tie).
void keepLatest(std::unordered_map<std::int64_t, ListedDispute>& rows, ListedDispute&& s) {
    auto it = rows.find(s.issueId);
    if (it == rows.end()) rows.emplace(s.issueId, std::move(s));
    else if (modifiedOf(s) >= modifiedOf(it->second)) it->second = std::move(s);
}

} // namespace

TextPool::TextPool() { intern(""); }

TextPool::TextPool(const TextPool& other) : _texts(other._texts) { reindex(); }

TextPool& TextPool::operator=(const TextPool& other) {
    if (this != &other) {
        _texts = other._texts;
        reindex();
    }
    return *this;
}

void TextPool::reindex() {
    _ids.clear();
    for (std::size_t i = 0; i < _texts.size(); ++i) _ids.emplace(_texts[i], static_cast<std::uint32_t>(i));
}

std::uint32_t TextPool::intern(std::string_view text) {
    if (auto it = _ids.find(text); it != _ids.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(_texts.size());
    _ids.emplace(_texts.emplace_back(text), id);
    return id;
}

ListedDispute ListedDispute::from(const IssueSummary& row, TextPool& texts) {
    ListedDispute d;
    d.issueId = row.issueId;
    d.orderId = row.orderId;
    d.hasParentOrderId = row.parentOrderId.has_value();
    d.parentOrderId = row.parentOrderId.value_or(0);
    d.hasCreatedAt = row.createdAtMs.has_value();
    d.createdAtMs = row.createdAtMs.value_or(0);
    d.hasModifiedAt = row.modifiedAtMs.has_value();
    d.modifiedAtMs = row.modifiedAtMs.value_or(0);
    d.buyerLoginId = row.buyerLoginId;
    d.status = texts.intern(row.issueStatus);
    d.reasonEnglish = texts.intern(row.reasonEnglish);
    d.reasonChinese = texts.intern(row.reasonChinese);
    return d;
}

IssueSummary ListedDispute::summary(const TextPool& texts) const {
    IssueSummary s;
    s.issueId = issueId;
    s.issueStatus = texts.text(status);
    s.orderId = orderId;
    if (hasParentOrderId) s.parentOrderId = parentOrderId;
    s.buyerLoginId = buyerLoginId;
    if (hasCreatedAt) s.createdAtMs = createdAtMs;
    if (hasModifiedAt) s.modifiedAtMs = modifiedAtMs;
    s.reasonEnglish = texts.text(reasonEnglish);
    s.reasonChinese = texts.text(reasonChinese);
    return s;
}

struct DisputeListing::Pass {
    explicit Pass(TextPool& texts) : texts(texts) {}

    std::mutex mutex; ///< guards everything below while pages are read at once
    TextPool& texts;  ///< the listing's (one pass is read at a time)
    std::unordered_map<std::int64_t, ListedDispute> rows;
    std::int64_t announced = 0; ///< total_item of page 1, 0 when absent
    std::int64_t lastTotal = 0; ///< total_item of the last page read
    bool moved = false;
    std::map<int, std::pair<std::int64_t, std::size_t>> shapes; ///< page → (first id, rows)

    void record(int number, const IssuePage& p) {
        std::lock_guard lock(mutex);
        for (const auto& s : p.items) keepLatest(rows, ListedDispute::from(s, texts));
        if (p.totalItem != announced) moved = true;
        lastTotal = p.totalItem;
        shapes[number] = {p.items.empty() ? 0 : p.items.front().issueId, p.items.size()};
    }
};

DisputeListing::DisputeListing(AliExpressSession& session, ListingOptions options, const std::atomic<bool>& stopping,
                               PageFn onPages, WarnFn warn)
    : _session(session), _options(options), _stopping(stopping), _onPages(std::move(onPages)), _warn(std::move(warn)) {
    _options.pageSize = std::clamp(_options.pageSize, 1, IssueApi::kMaxPageSize);
    _options.maxInFlight = std::max(1, _options.maxInFlight);
    _options.maxPasses = std::max(1, _options.maxPasses);
}

connectors::Result<IssuePage> DisputeListing::page(const char* status, int number) {
    if (_stopping) return stopped();
    const int size = _options.pageSize;
    auto r = _session.call<IssuePage>([&](const IssueApi& api) { return api.listIssues(status, number, size); });
    if (!r.ok())
        _warn(std::string("listing ") + status + " page " + std::to_string(number) + " failed: " + r.error().describe());
    return r;
}

std::optional<MarketplaceError> DisputeListing::listPass(const char* status, Pass& pass) {
    const int size = _options.pageSize;
    auto first = page(status, 1);
    if (!first.ok()) return first.error();
    pass.announced = first.value().totalItem;
    pass.record(1, first.value());
    ++_pagesDone;
    int last = 1;
    bool full = static_cast<int>(first.value().items.size()) >= size;
    const int announcedPages = static_cast<int>((pass.announced + size - 1) / size);
    _pagesTotal += std::max(1, announcedPages);

    // The pages total_item announces, several at once.
    if (full && announcedPages >= 2) {
        std::mutex mutex;
        std::condition_variable changed;
        int next = 2, done = 0, running = 0;
        std::optional<MarketplaceError> error;
        auto worker = [&] {
            for (;;) {
                int number;
                {
                    std::lock_guard lock(mutex);
                    if (error || next > announcedPages) break;
                    number = next++;
                }
                auto r = page(status, number);
                std::lock_guard lock(mutex);
                if (r.ok()) pass.record(number, r.value());
                else if (!error) error = r.error();
                ++done;
                changed.notify_all();
            }
            std::lock_guard lock(mutex);
            --running;
            changed.notify_all();
        };
        const int threads = std::min(_options.maxInFlight, announcedPages - 1);
        std::vector<std::thread> pool;
        running = threads;
        for (int i = 0; i < threads; ++i) pool.emplace_back(worker);
        std::exception_ptr thrown; // from the progress callback (e.g. the lease was lost)
        {
            std::unique_lock lock(mutex);
            int reported = 0;
            while (running > 0) {
                changed.wait_for(lock, kProgressEvery);
                if (done != reported && _onPages && !thrown) {
                    const int delta = done - reported;
                    reported = done;
                    lock.unlock();
                    _pagesDone += delta;
                    try {
                        _onPages(_pagesDone, std::max(_pagesTotal, _pagesDone));
                    } catch (...) {
                        thrown = std::current_exception();
                    }
                    lock.lock();
                    if (thrown && !error) error = stopped(); // the workers stop taking pages
                }
            }
            _pagesDone += done - reported;
        }
        for (auto& t : pool) t.join();
        if (thrown) std::rethrow_exception(thrown);
        if (error) return error;
        last = announcedPages;
        const auto& shape = pass.shapes[last];
        full = static_cast<int>(shape.second) >= size;
        // A gateway that ignores current_page sends page 1 again and again.
        for (int p = 2; p <= last; ++p)
            if (pass.shapes[p].second > 0 && pass.shapes[p].first == pass.shapes[p - 1].first) {
                _warn(std::string("listing ") + status + ": page " + std::to_string(p) +
                      " repeated the previous one; the listing ends there");
                full = false;
                break;
            }
    }
    // Beyond what was announced (total_item missing or grown): page by page until a short one.
    for (int number = last + 1; full; ++number) {
        auto r = page(status, number);
        if (!r.ok()) return r.error();
        pass.record(number, r.value());
        ++_pagesDone;
        _pagesTotal = std::max(_pagesTotal, _pagesDone);
        if (_onPages) _onPages(_pagesDone, _pagesTotal);
        full = static_cast<int>(r.value().items.size()) >= size;
        if (full && pass.shapes[number].first == pass.shapes[number - 1].first) {
            _warn(std::string("listing ") + status + ": page " + std::to_string(number) +
                  " repeated the previous one; the listing ends there");
            break;
        }
    }
    // Did the set move while it was read? Page 1 again tells the total now.
    if (last > 1 || pass.announced > 0) {
        auto again = page(status, 1);
        if (!again.ok()) return again.error();
        ++_pagesDone;
        ++_pagesTotal;
        pass.record(1, again.value());
    }
    if (pass.announced > 0 && static_cast<std::int64_t>(pass.rows.size()) < pass.announced) pass.moved = true;
    if (_onPages) _onPages(_pagesDone, std::max(_pagesTotal, _pagesDone));
    return std::nullopt;
}

connectors::Result<Listing> DisputeListing::run() {
    Listing out;
    std::unordered_map<std::int64_t, ListedDispute> all;
    std::map<std::string, std::int64_t> lastTotal; // total_item each status ended with
    auto listStatus = [&](const char* status, int passes) -> std::optional<MarketplaceError> {
        for (int passNo = 1; passNo <= passes; ++passNo) {
            if (_stopping) return stopped();
            Pass pass(_texts);
            if (auto error = listPass(status, pass)) return error;
            for (auto& [id, s] : pass.rows) {
                auto it = all.find(id);
                if (it != all.end() && it->second.status != s.status) out.unsettled.insert(id); // interned: same id, same text
                keepLatest(all, std::move(s));
            }
            lastTotal[status] = pass.lastTotal;
            if (!pass.moved) break;
            if (passNo < passes) {
                ++out.relists;
                _warn(std::string("listing ") + status + " moved while it was read (total_item " +
                      std::to_string(pass.announced) + ", " + std::to_string(pass.rows.size()) +
                      " rows); listing it again");
            }
        }
        return std::nullopt;
    };
    for (const char* status : kStatuses)
        if (auto error = listStatus(status, _options.maxPasses)) return *error;
    // A status listed early may have moved while the later ones were read (a
    // dispute that opened, or finished): its total_item tells, and it is
    // listed once more.
    for (const char* status : kStatuses) {
        if (lastTotal[status] <= 0) continue; // no total_item from this gateway: nothing to compare
        auto now = page(status, 1);
        if (!now.ok()) return now.error();
        ++_pagesDone;
        if (now.value().totalItem == lastTotal[status]) continue;
        ++out.relists;
        _warn(std::string("listing ") + status + " moved while the other statuses were read; listing it again");
        if (auto error = listStatus(status, 1)) return *error;
    }
    out.rows.reserve(all.size());
    for (auto it = all.begin(); it != all.end(); it = all.erase(it)) out.rows.push_back(std::move(it->second));
    std::sort(out.rows.begin(), out.rows.end(), [](const ListedDispute& a, const ListedDispute& b) {
        return createdOf(a) != createdOf(b) ? createdOf(a) < createdOf(b) : a.issueId < b.issueId;
    });
    out.texts = std::move(_texts);
    _texts = TextPool();
    return out;
}

} // namespace sac::services
