using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Training;

/// <summary>TensorBoard scalars of a run under <c>OUTPUT/tensorboard/</c>, or nothing when disabled.</summary>
internal sealed class TensorBoardLog
{
    private readonly SummaryWriter? _writer;

    public TensorBoardLog(string? directory)
    {
        _writer = directory is null ? null : utils.tensorboard.SummaryWriter(directory);
    }

    public void Losses(string prefix, TrainingLossValues losses, int step)
    {
        if (_writer is null)
        {
            return;
        }

        _writer.add_scalar($"{prefix}/total", (float)losses.Total, step);
        _writer.add_scalar($"{prefix}/prediction", (float)losses.Prediction, step);
        _writer.add_scalar($"{prefix}/kl", (float)losses.Kl, step);
        _writer.add_scalar($"{prefix}/recon", (float)losses.Recon, step);
        _writer.add_scalar($"{prefix}/spectral", (float)losses.Spectral, step);
        _writer.add_scalar($"{prefix}/stop", (float)losses.Stop, step);
    }

    public void Scalar(string tag, double value, int step) => _writer?.add_scalar(tag, (float)value, step);
}
