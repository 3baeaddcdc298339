using LeWm.Model.Losses;
using LeWm.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Tests.Losses;

/// <summary>Padding never reaches a loss, and the loss computation leaks no tensors.</summary>
public sealed class LossPaddingTests
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void ComputeLosses_GarbagePaddingAndExtraFrames_ChangesNoLoss()
    {
        using LeWmNetwork network = LossFixture.Network();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        LeWmBatch batch = LossFixture.Batch();
        Tensor noise = LossFixture.Noise();
        LeWmBatch garbage = WithGarbagePadding(batch);
        Tensor garbageNoise = torch.cat([noise, torch.full(3, 12, 64, 4f)], dim: 1);   // 345 frames → 87 latents

        LeWmLosses clean = network.ComputeLosses(batch, LossFixture.KlWeight, noise);
        LeWmLosses padded = network.ComputeLosses(garbage, LossFixture.KlWeight, garbageNoise);

        foreach (string name in LossFixture.TermNames.Append("total"))
        {
            LossFixture.AssertClose(name, LossFixture.Term(clean, name).item<float>(), LossFixture.Term(padded, name).item<float>(), Tolerance);
        }

        foreach (string name in LossFixture.TermNames)
        {
            float[] expected = LossFixture.ItemTerm(clean.PerItem, name).data<float>().ToArray();
            float[] actual = LossFixture.ItemTerm(padded.PerItem, name).data<float>().ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                LossFixture.AssertClose($"{name}[{i}]", expected[i], actual[i], Tolerance);
            }
        }
    }

    [Fact]
    public void ComputeLosses_ItemAlone_GivesItsPerItemLosses()
    {
        using LeWmNetwork network = LossFixture.Network();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        LeWmBatch batch = LossFixture.Batch();
        Tensor noise = LossFixture.Noise();
        LeWmLosses together = network.ComputeLosses(batch, LossFixture.KlWeight, noise);

        // Item 1: 4 text ids ("hi" framed), 150 frames, 38 latents.
        var alone = new LeWmBatch(
            batch.TextIds.narrow(0, 1, 1).narrow(1, 0, 4), batch.TextLengths.narrow(0, 1, 1),
            batch.Mel.narrow(0, 1, 1).narrow(2, 0, 150), batch.MelLengths.narrow(0, 1, 1));
        LeWmLosses single = network.ComputeLosses(alone, LossFixture.KlWeight, noise.narrow(0, 1, 1).narrow(1, 0, 38));

        foreach (string name in LossFixture.TermNames)
        {
            LossFixture.AssertClose(name, LossFixture.ItemTerm(together.PerItem, name)[1].item<float>(),
                LossFixture.Term(single, name).item<float>(), Tolerance);
        }
    }

    [Fact]
    public void ComputeLosses_WithBackward_LeavesNoLiveTensors()
    {
        using LeWmNetwork network = LossFixture.Network();
        using Tensor noise = LossFixture.Noise();
        LeWmBatch batch = LossFixture.Batch();
        try
        {
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            using (var scope = NewDisposeScope())
            {
                LeWmLosses losses = network.ComputeLosses(batch, LossFixture.KlWeight, noise);
                losses.Total.backward();
            }

            Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        finally
        {
            batch.TextIds.Dispose();
            batch.TextLengths.Dispose();
            batch.Mel.Dispose();
            batch.MelLengths.Dispose();
        }
    }

    [Fact]
    public void LeWmLosses_Dispose_FreesEveryTensor()
    {
        using LeWmNetwork network = LossFixture.Network();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        LeWmLosses losses = network.ComputeLosses(LossFixture.Batch(), LossFixture.KlWeight, LossFixture.Noise());

        losses.Dispose();

        Assert.True(losses.Total.IsInvalid);
        Assert.True(losses.PerItem.Spectral.IsInvalid);
    }

    private static LeWmBatch WithGarbagePadding(LeWmBatch batch)
    {
        long[] textLengths = batch.TextLengths.data<long>().ToArray();
        long[] melLengths = batch.MelLengths.data<long>().ToArray();
        Tensor ids = torch.cat([batch.TextIds, torch.full(3, 3, 65L)], dim: 1);
        Tensor mel = torch.cat([batch.Mel, torch.full(3, 100, 45, 7f)], dim: 2);
        for (int i = 0; i < textLengths.Length; i++)
        {
            ids[i, (int)textLengths[i]..] = torch.full(ids.shape[1] - textLengths[i], 66L);
            mel[i, .., (int)melLengths[i]..] = torch.full(100, mel.shape[2] - melLengths[i], 9f);
        }

        return batch with { TextIds = ids, Mel = mel };
    }
}
