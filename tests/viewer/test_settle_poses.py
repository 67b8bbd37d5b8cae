"""A shot decides its labels at SETTLE_POSES_PER_SECOND poses, evenly spread, its last frame among
them (no GL): a 30 fps export settles at every third frame, a slow test's few frames at every one."""

from nnvox.viewer.storyboard_export import SETTLE_POSES_PER_SECOND, settle_poses


def test_a_30_fps_shot_settles_at_every_third_frame_and_its_last():
    frames = list(range(30 * 4 + 1))  # 4 s at 30 fps and the closing frame
    poses = settle_poses(frames, 4)
    assert SETTLE_POSES_PER_SECOND == 10
    assert poses[:3] == [0, 3, 6] and poses[-1] == 120 and len(poses) == 41


def test_the_last_frame_is_settled_once_and_slow_shots_at_every_frame():
    assert settle_poses(list(range(10)), 3) == list(range(10))  # 3 fps: every frame
    assert settle_poses(list(range(31)), 1) == list(range(0, 31, 3))  # the last on the step: once
    assert settle_poses(list(range(32)), 1)[-2:] == [30, 31]
