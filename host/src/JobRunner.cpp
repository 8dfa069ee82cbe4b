#include "sac/host/JobRunner.h"

#include "sac/host/Redactor.h"

#include <exception>

namespace sac::host {

namespace {
constexpr std::size_t kNotPeriodic = static_cast<std::size_t>(-1);
}

JobRunner::JobRunner(Poco::Logger& logger, std::size_t threads, std::size_t queueCapacity)
    : _logger(logger), _threadCount(threads == 0 ? 1 : threads), _capacity(queueCapacity == 0 ? 1 : queueCapacity) {}

JobRunner::~JobRunner() { stop(); }

void JobRunner::start() {
    std::lock_guard lock(_mutex);
    if (_started || _stopping) return;
    _started = true;
    auto now = std::chrono::steady_clock::now();
    for (auto& p : _periodic) p.next = now + p.interval;
    for (std::size_t i = 0; i < _threadCount; ++i) _workers.emplace_back([this] { workerLoop(); });
    _scheduler = std::thread([this] { schedulerLoop(); });
}

bool JobRunner::submit(std::string name, std::function<void()> fn) {
    {
        std::lock_guard lock(_mutex);
        if (_stopping || _queue.size() >= _capacity) return false;
        _queue.push_back(Job{std::move(name), std::move(fn), kNotPeriodic});
    }
    _workCv.notify_one();
    return true;
}

void JobRunner::addPeriodic(std::string name, std::chrono::milliseconds interval, std::function<void()> fn) {
    {
        std::lock_guard lock(_mutex);
        if (interval.count() <= 0) interval = std::chrono::milliseconds(1000);
        _periodic.push_back(Periodic{std::move(name), interval, std::move(fn),
                                     std::chrono::steady_clock::now() + interval, false, false});
    }
    _schedCv.notify_all();
}

void JobRunner::removePeriodicWithPrefix(const std::string& prefix) {
    std::lock_guard lock(_mutex);
    for (auto& p : _periodic)
        if (p.name.compare(0, prefix.size(), prefix) == 0) p.removed = true;
}

void JobRunner::stop() {
    {
        std::lock_guard lock(_mutex);
        if (_stopping) return;
        _stopping = true;
    }
    _workCv.notify_all();
    _schedCv.notify_all();
    if (_scheduler.joinable()) _scheduler.join();
    if (!_started) {
        // Never started: run nothing, drop what was queued.
        std::lock_guard lock(_mutex);
        _queue.clear();
    }
    for (auto& w : _workers)
        if (w.joinable()) w.join();
    _workers.clear();
}

std::size_t JobRunner::queued() const {
    std::lock_guard lock(_mutex);
    return _queue.size();
}

void JobRunner::run(Job& job) {
    try {
        job.fn();
    } catch (const std::exception& e) {
        _logger.error("job " + job.name + " failed: " + redactSecrets(logField(e.what(), 500)));
    } catch (...) {
        _logger.error("job " + job.name + " failed: unknown exception");
    }
}

void JobRunner::workerLoop() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(_mutex);
            _workCv.wait(lock, [this] { return _stopping || !_queue.empty(); });
            if (_queue.empty()) return; // stopping and drained
            job = std::move(_queue.front());
            _queue.pop_front();
        }
        run(job);
        if (job.periodicIndex != kNotPeriodic) {
            std::lock_guard lock(_mutex);
            if (job.periodicIndex < _periodic.size()) _periodic[job.periodicIndex].inFlight = false;
        }
    }
}

void JobRunner::schedulerLoop() {
    std::unique_lock lock(_mutex);
    while (!_stopping) {
        auto now = std::chrono::steady_clock::now();
        auto wakeAt = now + std::chrono::seconds(60);
        bool queuedAny = false;
        for (std::size_t i = 0; i < _periodic.size(); ++i) {
            auto& p = _periodic[i];
            if (p.removed) continue;
            if (p.next <= now) {
                p.next = now + p.interval;
                if (!p.inFlight && _queue.size() < _capacity) {
                    p.inFlight = true;
                    _queue.push_back(Job{p.name, p.fn, i});
                    queuedAny = true;
                } else {
                    _logger.warning("periodic job " + p.name + " skipped: previous run still busy or queue full");
                }
            }
            if (p.next < wakeAt) wakeAt = p.next;
        }
        if (queuedAny) _workCv.notify_all();
        _schedCv.wait_until(lock, wakeAt);
    }
}

} // namespace sac::host
