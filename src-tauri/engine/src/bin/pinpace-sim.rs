//! Placeholder: the simulator as a server lands with the simulator.
fn main() {
    eprintln!("pinpace-sim: not built yet");
    std::process::exit(2);
}
