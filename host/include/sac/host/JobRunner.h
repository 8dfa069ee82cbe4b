// The host's background job pool.
#pragma once

#include <Poco/Logger.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sac::host {

/// A bounded pool of worker threads with a bounded queue, plus periodic
/// jobs. Every job runs inside a catch-all: an exception is logged and the
/// worker continues. Thread-safe.
class JobRunner {
public:
    JobRunner(Poco::Logger& logger, std::size_t threads = 4, std::size_t queueCapacity = 256);
    ~JobRunner();
    JobRunner(const JobRunner&) = delete;
    JobRunner& operator=(const JobRunner&) = delete;

    /// Starts the workers and the periodic scheduler. Jobs submitted
    /// before start() wait in the queue.
    void start();

    /// Queues fn. False when the queue is full or the runner is stopping.
    bool submit(std::string name, std::function<void()> fn);

    /// Runs fn every interval (first run one interval after start()).
    /// A run is skipped while the previous run of the same job is queued
    /// or running.
    void addPeriodic(std::string name, std::chrono::milliseconds interval, std::function<void()> fn);

    /// Removes the periodic jobs registered under owner (see addPeriodic
    /// name prefix "owner:"). Used when a module is refused.
    void removePeriodicWithPrefix(const std::string& prefix);

    /// Stops scheduling, refuses new jobs, runs what is queued, joins the
    /// workers. Idempotent. Blocks until running jobs return.
    void stop();

    std::size_t queued() const;

private:
    struct Job {
        std::string name;
        std::function<void()> fn;
        std::size_t periodicIndex = static_cast<std::size_t>(-1);
    };
    struct Periodic {
        std::string name;
        std::chrono::milliseconds interval;
        std::function<void()> fn;
        std::chrono::steady_clock::time_point next;
        bool inFlight = false;
        bool removed = false;
    };

    void workerLoop();
    void schedulerLoop();
    void run(Job& job);

    Poco::Logger& _logger;
    const std::size_t _threadCount;
    const std::size_t _capacity;
    mutable std::mutex _mutex;
    std::condition_variable _workCv;
    std::condition_variable _schedCv;
    std::deque<Job> _queue;
    std::vector<Periodic> _periodic;
    std::vector<std::thread> _workers;
    std::thread _scheduler;
    bool _started = false;
    bool _stopping = false;
};

} // namespace sac::host
