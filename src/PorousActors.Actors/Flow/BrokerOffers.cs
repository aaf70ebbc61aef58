using Akka.Actor;

namespace PorousActors.Actors.Flow;

/// <summary>
/// A pulling node's side of the <see cref="WorkBroker"/> protocol: the brokers it has heard of and
/// the room it has offered each and not yet been sent work for. A node tops its offers up whenever
/// its room changes; with several brokers (standby supervisors) it may be sent more than its room,
/// and keeps the rest waiting.
/// </summary>
public sealed class BrokerOffers
{
    readonly Dictionary<IActorRef, int> offered = [];

    /// <summary>A broker announced itself: remembered (and watched, so a lost one is forgotten).</summary>
    public void Heard(IActorRef broker, IActorContext context)
    {
        if (offered.ContainsKey(broker)) return;
        offered[broker] = 0;
        context.Watch(broker);
    }

    public void Forget(IActorRef broker) => offered.Remove(broker);

    /// <summary>Work of <paramref name="units"/> arrived from <paramref name="sender"/>: true when it
    /// was pulled from a broker (whose offer it used up), false when it was sent directly.</summary>
    public bool Received(IActorRef sender, int units)
    {
        if (!offered.TryGetValue(sender, out int left)) return false;
        offered[sender] = Math.Max(0, left - units);
        return true;
    }

    /// <summary>Offers every broker the <paramref name="room"/> not already offered to it.</summary>
    public void TopUp(int room, IActorRef self)
    {
        if (room <= 0) return;
        foreach (var b in offered.Keys.ToList())
        {
            int more = room - offered[b];
            if (more <= 0) continue;
            offered[b] = room;
            b.Tell(new ReadyForWork(more), self);
        }
    }
}
