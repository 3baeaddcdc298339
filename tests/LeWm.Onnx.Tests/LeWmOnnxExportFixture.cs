using LeWm.Model.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Modules;
using LeWm.Onnx.Export;
using TorchSharp;

namespace LeWm.Onnx.Tests;

/// <summary>
/// A random tiny LeWM network (seeded, eval mode) saved as a checkpoint with <see cref="LeWmCheckpoint.Save"/> and
/// exported with <see cref="LeWmOnnxExporter.Export(string, string)"/>; shared by the LeWM graph tests.
/// </summary>
public sealed class LeWmOnnxExportFixture : IDisposable
{
    public LeWmOnnxExportFixture()
    {
        Plain = Create(LeWmConfig.Tiny, seed: 11);
        Speakers = Create(LeWmConfig.Tiny with { NSpeakers = 3 }, seed: 12);
    }

    public ExportedModel Plain { get; }

    public ExportedModel Speakers { get; }

    public void Dispose()
    {
        Plain.Network.Dispose();
        Speakers.Network.Dispose();
    }

    private static ExportedModel Create(LeWmConfig config, int seed)
    {
        torch.manual_seed(seed);
        var network = new LeWmNetwork(config);
        network.eval();
        string checkpoint = OnnxTestFiles.TempFolder();
        LeWmCheckpoint.Save(checkpoint, network, config, []);
        string export = OnnxTestFiles.TempFolder();
        LeWmOnnxExporter.Export(checkpoint, export);
        return new ExportedModel(network, checkpoint, export);
    }

    public sealed record ExportedModel(LeWmNetwork Network, string CheckpointFolder, string ExportFolder)
    {
        public string Graph(string file) => Path.Combine(ExportFolder, file);
    }
}
