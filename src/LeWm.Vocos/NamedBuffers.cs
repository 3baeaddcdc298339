using static TorchSharp.torch;

namespace LeWm.Vocos;

/// <summary>
/// A module that only holds named buffers and child modules, to reproduce a checkpoint's key layout for tensors the
/// computation takes from elsewhere (e.g. <c>feature_extractor.mel_spec.mel_scale.fb</c>).
/// </summary>
internal sealed class NamedBuffers : nn.Module
{
    public NamedBuffers()
        : base(nameof(NamedBuffers))
    {
    }

    public NamedBuffers WithBuffer(string name, Tensor value)
    {
        register_buffer(name, value);
        return this;
    }

    public NamedBuffers WithChild(string name, nn.Module child)
    {
        register_module(name, child);
        return this;
    }

    /// <summary>The current tensor of the buffer at <paramref name="path"/> (dotted, relative to this module).</summary>
    public Tensor Buffer(string path) =>
        named_buffers(recurse: true).First(b => b.name == path).buffer;
}
