// What the Slurm client commands print, read into nodes and job states; the --array expression.
#include <gtest/gtest.h>

#include "biomedq/slurm.h"

namespace biomedq {
namespace {

using States = std::vector<std::string>;

// Each job state as "JOB_TASK|STATE" (task -1: not an array task), so that a whole parse compares
// at once; a parse error as its message.
States described(const Result<std::vector<SlurmJobState>>& states) {
    if (!states.ok()) return {"error: " + states.error().message};
    States out;
    for (const auto& s : *states)
        out.push_back(s.job_id + "_" + std::to_string(s.array_task) + "|" + s.state);
    return out;
}

TEST(SlurmParse, SinfoNodesOfTheNamedOrDefaultPartition) {
    const std::string text =
        "vm|2|24105|(null)|idle|debug*\n"
        "g1|64|515000|gpu:h100:8(S:0-1)|mixed|gpu\n"
        "g2|64|257000+|gpu:a100:4,mps:400|idle|gpu\n";
    auto def = parse_sinfo_nodes(text, "");
    ASSERT_TRUE(def.ok()) << def.error().message;
    ASSERT_EQ(def->size(), 1u);
    EXPECT_EQ((*def)[0].name, "vm");
    EXPECT_EQ((*def)[0].cpus, 2);
    EXPECT_EQ((*def)[0].bytes_memory, 24105ull << 20);  // Slurm's MB are MiB
    EXPECT_EQ((*def)[0].gpus, 0);

    auto gpu = parse_sinfo_nodes(text, "gpu");
    ASSERT_TRUE(gpu.ok()) << gpu.error().message;
    ASSERT_EQ(gpu->size(), 2u);
    EXPECT_EQ((*gpu)[0].gpus, 8);
    EXPECT_EQ((*gpu)[1].gpus, 4);  // the mps entry is not a GPU
    EXPECT_EQ((*gpu)[1].bytes_memory, 257000ull << 20);
    EXPECT_EQ((*gpu)[1].state, "idle");

    auto missing = parse_sinfo_nodes(text, "gpus");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(missing.error().message, "partition \"gpus\" has no nodes; partitions: debug, gpu");

    auto bad = parse_sinfo_nodes("vm|two|24105|(null)|idle|debug*\n", "");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(
        bad.error().message,
        "sinfo output line 1: field CPUS is not a number: \"vm|two|24105|(null)|idle|debug*\"");
}

TEST(SlurmParse, SbatchJobId) {
    EXPECT_EQ(parse_sbatch_job_id("1234\n").value(), "1234");
    EXPECT_EQ(parse_sbatch_job_id("1234;cluster2\n").value(), "1234");
    auto bad = parse_sbatch_job_id("sbatch: error: Batch job submission failed\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(
        bad.error().message,
        "sbatch --parsable printed \"sbatch: error: Batch job submission failed\", not a job id");
}

TEST(SlurmParse, SqueueExpandsArrayTasks) {
    EXPECT_EQ(described(parse_squeue("17|0|RUNNING\n17|[2-3%2]|PENDING\n18|N/A|PENDING\n")),
              (States{"17_0|RUNNING", "17_2|PENDING", "17_3|PENDING", "18_-1|PENDING"}));
    EXPECT_FALSE(parse_squeue("17|x|RUNNING\n").ok());
    EXPECT_FALSE(parse_squeue("17|RUNNING\n").ok());
}

TEST(SlurmParse, SacctStatesWithReasons) {
    EXPECT_EQ(described(parse_sacct("40_4|CANCELLED by 0\n40_[5-6]|PENDING\n41|COMPLETED\n")),
              (States{"40_4|CANCELLED by 0", "40_5|PENDING", "40_6|PENDING", "41_-1|COMPLETED"}));
    // What sacct says on a cluster without accounting: not a state line.
    EXPECT_FALSE(parse_sacct("Slurm accounting storage is disabled\n").ok());
}

TEST(SlurmParse, ScontrolShowJobOneLinePerJob) {
    const std::string text =
        "JobId=21 ArrayJobId=20 ArrayTaskId=1 ArrayTaskThrottle=2 JobName=x JobState=CANCELLED "
        "Reason=None\n"
        "JobId=20 ArrayJobId=20 ArrayTaskId=4-5%2 JobName=x JobState=PENDING Reason=Dependency\n"
        "JobId=22 JobName=final JobState=COMPLETED Reason=None\n";
    EXPECT_EQ(described(parse_scontrol_jobs(text)),
              (States{"20_1|CANCELLED", "20_4|PENDING", "20_5|PENDING", "22_-1|COMPLETED"}));
}

TEST(SlurmParse, ArraySpecRangesAndThrottle) {
    EXPECT_EQ(array_spec({0, 1, 2, 3}, 0), "0-3");
    EXPECT_EQ(array_spec({0, 1, 2, 3, 6, 8, 9}, 2), "0-3,6,8-9%2");
    EXPECT_EQ(array_spec({5}, 0), "5");
}

}  // namespace
}  // namespace biomedq
