def load_demo(demo_dir):
    return "no scenarios yet"
