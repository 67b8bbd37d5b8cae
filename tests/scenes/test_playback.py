from nnvox.scenes.playback import Playback


def test_play_steps_and_stops_at_the_end():
    events = []
    p = Playback(n_snapshots=4, sample_count=3)
    p.listeners.append(lambda pb: events.append(pb.t))
    p.toggle_play()
    for _ in range(10):
        p.tick(0.5)
    assert p.t == 3.0 and not p.playing and events


def test_step_goes_to_whole_snapshots_and_clamps():
    p = Playback(n_snapshots=4, sample_count=3, t=1.4)
    p.step(+1)
    assert p.t == 2.0
    p.t = 1.4
    p.step(-1)
    assert p.t == 1.0
    p.step(-1)
    p.step(-1)
    assert p.t == 0.0


def test_samples_wrap_and_forward_pass_runs_to_completion():
    p = Playback(n_snapshots=2, sample_count=3)
    p.change_sample(-1)
    assert p.sample == 2
    p.start_forward_pass()
    assert p.reveal == 0.0
    while p.reveal is not None:
        p.tick(0.1)
    assert not p.tick(0.1)  # nothing moves once the animation is done and playback is paused
